// The entry point GitHub runs (runs.main points at its bundle): the action, from main.
import { run } from './main.js'

await run()
