// The contract selection (suite.ts) with the real wandb 0.17.3.
import { legacySuite } from './suite.js'

legacySuite('0.17.3')
