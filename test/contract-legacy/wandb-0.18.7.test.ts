// The contract selection (suite.ts) with the real wandb 0.18.7.
import { legacySuite } from './suite.js'

legacySuite('0.18.7')
