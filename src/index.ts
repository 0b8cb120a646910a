// The entry point GitHub runs (runs.main points at its bundle): the action, from main.
import { run } from './main.js'

await run()
// A request nobody can cancel (an Actions cache service that stopped answering) must not hold the
// step: once the action is done, the process ends within a second whatever is still open.
setTimeout(() => process.exit(), 1_000).unref()
