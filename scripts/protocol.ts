// `npm run protocol`: writes the bridge's JSON Schema from the action's protocol module; with
// --check, fails when the committed file is not what it would write.
import { readFileSync, writeFileSync } from 'node:fs'
import { protocolJsonSchema } from '../src/launch/protocol.js'

export const SCHEMA_FILE = 'bridge/protocol.schema.json'

const text = JSON.stringify(protocolJsonSchema(), null, 2) + '\n'
if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(SCHEMA_FILE, 'utf8')
  } catch {}
  if (committed !== text) {
    console.error(`${SCHEMA_FILE} is stale: run 'npm run protocol' and commit it with the protocol change.`)
    process.exit(1)
  }
} else {
  writeFileSync(SCHEMA_FILE, text)
}
