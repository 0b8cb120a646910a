// `npm run protocol`: writes the bridge's JSON Schema from the action's protocol module; with
// --check, fails when the committed file is not what it would write.
import { readFileSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { BridgeRequest, CONSTANTS, EVENT_SCHEMAS } from '../src/launch/protocol/index.js'

export const SCHEMA_FILE = 'bridge/protocol.schema.json'

/** The committed JSON Schema of the request, the events and the constants, as the bridge reads it. */
function protocolJsonSchema(): Record<string, unknown> {
  const schema = (s: z.ZodType) => {
    const { $schema: _, ...rest } = z.toJSONSchema(s, { io: 'input' }) as Record<string, unknown>
    return rest
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'wandb-launch-action bridge protocol',
    description: "Generated from the action's protocol module by `npm run protocol`; do not edit.",
    request: schema(BridgeRequest),
    events: Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([kind, s]) => [kind, schema(s)])),
    constants: CONSTANTS
  }
}

const text = JSON.stringify(protocolJsonSchema(), null, 2) + '\n'
if (process.argv.includes('--check')) {
  let committed = ''
  try {
    committed = readFileSync(SCHEMA_FILE, 'utf8')
  } catch {
    // no committed file: stale
  }
  if (committed !== text) {
    console.error(`${SCHEMA_FILE} is stale: run 'npm run protocol' and commit it with the protocol change.`)
    process.exit(1)
  }
} else {
  writeFileSync(SCHEMA_FILE, text)
}
