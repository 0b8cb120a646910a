// GitHub's REST API description (@octokit/openapi: GitHub's official OpenAPI document for
// api.github.com) as a referee for the fake GitHub API: a request is matched to its operation by
// method and path, its path and query parameters and its JSON body are checked against the
// operation's parameters and request body schema, and an answer against the schema of the
// response for its status. The validator covers the part of JSON Schema (OpenAPI 3.0 dialect)
// the description uses: type, nullable, enum, properties, required, additionalProperties, items,
// allOf, anyOf, oneOf, the length and range bounds, pattern, format date-time.
//
// One deliberate strictness beyond GitHub: a body field the operation does not describe is a
// problem (GitHub ignores it quietly, so a misspelt field would never reach it).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

type Schema = Record<string, unknown>

interface Operation {
  id: string
  method: string
  template: string
  pattern: RegExp
  names: string[]
  spec: Schema
}

let spec: Schema | undefined
let operations: Operation[] | undefined

function document(): Schema {
  if (!spec) {
    const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.json')
    spec = JSON.parse(readFileSync(file, 'utf8')) as Schema
  }
  return spec
}

function resolve(schema: Schema): Schema {
  let current = schema
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`a $ref cycle at ${String(current.$ref)}`)
    let node: unknown = document()
    for (const part of (current.$ref as string).replace(/^#\//, '').split('/'))
      node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')]
    current = node as Schema
  }
  return current
}

function allOperations(): Operation[] {
  if (!operations) {
    operations = []
    for (const [template, item] of Object.entries(document().paths as Record<string, Record<string, Schema>>)) {
      const names: string[] = []
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
        names.push(name)
        return '([^/]+)'
      })
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete', 'head'].includes(method)) continue
        operations.push({
          id: String(op.operationId),
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          names,
          spec: op
        })
      }
    }
    // A literal segment wins over a parameter where both match (as the router does).
    operations.sort((a, b) => a.names.length - b.names.length)
  }
  return operations
}

export interface Match {
  operation: string
  method: string
  template: string
  /** What does not match, each naming its field; empty when the request is as described. */
  problems: string[]
}

/** The operation of a request and what in it does not match the operation's description. */
export function checkRequest(method: string, url: string, body: unknown): Match {
  const { pathname, searchParams } = new URL(url, 'http://api.invalid')
  const candidates = allOperations().filter((op) => op.pattern.test(pathname))
  const op = candidates.find((o) => o.method === method.toUpperCase())
  if (!op) {
    const allowed = candidates.map((o) => o.method).join(', ')
    return {
      operation: '(none)',
      method,
      template: pathname,
      problems: [
        candidates.length
          ? `${method} is not an operation of ${candidates[0]!.template} (only ${allowed})`
          : `no operation in GitHub's REST API has the path ${pathname}`
      ]
    }
  }
  const problems: string[] = []
  const values = op.pattern.exec(pathname)!.slice(1).map(decodeURIComponent)
  const parameters = ((op.spec.parameters ?? []) as Schema[]).map(resolve)
  op.names.forEach((name, i) => {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name)
    if (parameter)
      problems.push(
        ...validate(resolve(parameter.schema as Schema), coerce(values[i]!, parameter.schema as Schema), `path parameter ${name}`)
      )
  })
  for (const [name, value] of searchParams) {
    const parameter = parameters.find((p) => p.in === 'query' && p.name === name)
    if (!parameter)
      problems.push(
        `query parameter ${name} is not a parameter of the operation (it has: ${
          parameters
            .filter((p) => p.in === 'query')
            .map((p) => p.name)
            .join(', ') || 'none'
        })`
      )
    else
      problems.push(...validate(resolve(parameter.schema as Schema), coerce(value, parameter.schema as Schema), `query parameter ${name}`))
  }
  for (const parameter of parameters.filter((p) => p.in === 'query' && p.required)) {
    if (!searchParams.has(String(parameter.name))) problems.push(`query parameter ${String(parameter.name)} is required`)
  }
  const requestBody = op.spec.requestBody ? resolve(op.spec.requestBody as Schema) : undefined
  const bodySchema = (requestBody?.content as Record<string, Schema> | undefined)?.['application/json']?.schema as Schema | undefined
  if (body === undefined || body === null) {
    if (requestBody?.required) problems.push('body is required')
  } else if (!bodySchema) {
    problems.push('body: the operation takes no JSON body')
  } else {
    problems.push(...validate(bodySchema, body, 'body', true))
  }
  return { operation: op.id, method: op.method, template: op.template, problems }
}

/** What in an answer does not match the operation's response for that status. */
export function checkResponse(match: Match, status: number, body: unknown): string[] {
  const op = allOperations().find((o) => o.id === match.operation)
  if (!op) return []
  const responses = op.spec.responses as Record<string, Schema>
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default
  if (!response) return [`status ${status} is not a response of the operation (it has: ${Object.keys(responses).join(', ')})`]
  const schema = (resolve(response).content as Record<string, Schema> | undefined)?.['application/json']?.schema as Schema | undefined
  if (!schema) return []
  return validate(schema, body, 'answer')
}

/** A path or query value as the parameter's type reads it. */
function coerce(value: string, schema: Schema): unknown {
  const type = resolve(schema).type
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value)
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true'
  return value
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/

/** Every way `value` does not match `schema`, each naming where (`body.output.title`). */
function validate(schemaOrRef: Schema, value: unknown, at: string, closed = false): string[] {
  const schema = resolve(schemaOrRef)
  if (value === null)
    return schema.nullable || schema.type === 'null' || (schema.enum as unknown[] | undefined)?.includes(null)
      ? []
      : [`${at} is null, which it may not be`]
  if (schema.allOf) return (schema.allOf as Schema[]).flatMap((s) => validate(s, value, at, closed))
  if (schema.anyOf || schema.oneOf) {
    const options = (schema.anyOf ?? schema.oneOf) as Schema[]
    const results = options.map((s) => validate(s, value, at, closed))
    const passing = results.filter((r) => r.length === 0).length
    if (schema.oneOf ? passing === 1 : passing > 0) return []
    if (schema.oneOf && passing > 1) return [`${at} matches more than one of its oneOf schemas`]
    return [`${at} matches none of its ${schema.oneOf ? 'oneOf' : 'anyOf'} schemas: ${results.map((r) => r[0]).join(' / ')}`]
  }
  const problems: string[] = []
  const type = schema.type as string | undefined
  const actual = Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return [`${at} is ${describe(value)}, not ${type}`]
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    problems.push(`${at} is ${describe(value)}, not one of ${(schema.enum as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`)
  if (typeof value === 'string') {
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      problems.push(`${at} is ${value.length} characters long, over its maxLength ${schema.maxLength}`)
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      problems.push(`${at} is shorter than its minLength ${schema.minLength}`)
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value))
      problems.push(`${at} does not match the pattern ${schema.pattern}`)
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) problems.push(`${at} is ${describe(value)}, not an ISO 8601 date-time`)
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      problems.push(`${at} is ${value}, under its minimum ${schema.minimum}`)
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${at} is ${value}, over its maximum ${schema.maximum}`)
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      problems.push(`${at} has ${value.length} items, over its maxItems ${schema.maxItems}`)
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      problems.push(`${at} has fewer items than its minItems ${schema.minItems}`)
    if (schema.items) value.forEach((item, i) => problems.push(...validate(schema.items as Schema, item, `${at}[${i}]`, closed)))
  }
  if (actual === 'object' && value !== null) {
    const object = value as Record<string, unknown>
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) problems.push(`${at}.${name} is required`)
    }
    for (const [name, item] of Object.entries(object)) {
      if (properties[name]) problems.push(...validate(properties[name], item, `${at}.${name}`, closed))
      else if (schema.additionalProperties === false || (closed && schema.properties && schema.additionalProperties === undefined)) {
        problems.push(`${at}.${name} is not a field of it (fields: ${Object.keys(properties).join(', ')})`)
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        problems.push(...validate(schema.additionalProperties as Schema, item, `${at}.${name}`, closed))
      }
    }
  }
  return problems
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}
