// `${{ }}` as GitHub evaluates it, with GitHub's own expression library (@actions/expressions,
// the one its language services use): its lexer, parser (an unknown context or function is an
// error), operators, coercions and functions (contains, format, fromJSON, ...). What the library
// leaves to its host is given here: the contexts' values, and the status functions, which read
// the job's state so far.
import { data, Evaluator, Lexer, Parser } from '@actions/expressions'
import type { FunctionDefinition } from '@actions/expressions/funcs/info'
import { isBasicExpression, isBoolean, isLiteral, isMapping, isNumber, isSequence, isString } from '@actions/workflow-parser'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'

/** Plain values of a context (JSON-like); turned into the library's data at evaluation. */
export type Contexts = Record<string, unknown>

/** The state the status functions read: what has failed so far, and whether the run was cancelled. */
export interface JobStatus {
  failed: boolean
  cancelled?: boolean
}

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled']

function statusFunctions(status: JobStatus): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) }
  ]
  return new Map([
    fn('success', () => !status.failed && !status.cancelled),
    fn('failure', () => status.failed && !status.cancelled),
    fn('always', () => true),
    fn('cancelled', () => status.cancelled === true)
  ])
}

/** A plain value as the library's data (objects become case-insensitive dictionaries, as on GitHub). */
function toData(value: unknown): data.ExpressionData {
  if (value === null || value === undefined) return new data.Null()
  if (typeof value === 'string') return new data.StringData(value)
  if (typeof value === 'number') return new data.NumberData(value)
  if (typeof value === 'boolean') return new data.BooleanData(value)
  if (Array.isArray(value)) return new data.Array(...value.map(toData))
  return new data.Dictionary(...Object.entries(value as Record<string, unknown>).map(([key, v]) => ({ key, value: toData(v) })))
}

/**
 * The value of one expression (without `${{ }}`) over `contexts`. A syntax error, an unknown
 * context or an unknown function throws with the library's message, naming the expression.
 */
export function evaluate(expression: string, contexts: Contexts, status: JobStatus = { failed: false }): data.ExpressionData {
  try {
    const { tokens } = new Lexer(expression).lex()
    const tree = new Parser(
      tokens,
      Object.keys(contexts),
      STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 }))
    ).parse()
    const dictionary = new data.Dictionary(...Object.entries(contexts).map(([key, value]) => ({ key, value: toData(value) })))
    return new Evaluator(tree, dictionary, statusFunctions(status)).evaluate()
  } catch (error) {
    throw new Error(`\${{ ${expression} }}: ${(error as Error).message}`, { cause: error })
  }
}

export function truthy(value: data.ExpressionData): boolean {
  switch (value.kind) {
    case data.Kind.Null:
      return false
    case data.Kind.Boolean:
      return (value as data.BooleanData).value
    case data.Kind.Number: {
      const n = (value as data.NumberData).value
      return n !== 0 && !Number.isNaN(n)
    }
    case data.Kind.String:
      return (value as data.StringData).value !== ''
    default:
      return true
  }
}

/** An expression's value where the runner wants a string (an input, an env value, a script). */
export function asString(value: data.ExpressionData): string {
  return value.kind === data.Kind.Null ? '' : value.coerceString()
}

/**
 * A token of GitHub's workflow parser as the runner passes it on: a literal as its text, an
 * expression (the parser has already turned `a ${{ x }} b` into `format('a {0} b', x)`) evaluated.
 */
export function tokenString(token: TemplateToken | undefined, contexts: Contexts, status?: JobStatus): string {
  if (token === undefined) return ''
  if (isBasicExpression(token)) return asString(evaluate(token.expression, contexts, status))
  if (isString(token)) return token.value
  if (isNumber(token) || isBoolean(token)) return String(token.value)
  if (isLiteral(token)) return '' // null
  throw new Error(`a ${isMapping(token) ? 'mapping' : isSequence(token) ? 'list' : 'value'} where a string belongs`)
}

/** A mapping token (env, with) as names and strings, each value evaluated. */
export function mappingStrings(
  token: TemplateToken | undefined,
  contexts: Contexts | (() => Contexts),
  status?: JobStatus
): Record<string, string> {
  const values: Record<string, string> = {}
  if (token === undefined) return values
  if (!isMapping(token)) throw new Error('a mapping was expected')
  for (const { key, value } of token) {
    values[tokenString(key, typeof contexts === 'function' ? contexts() : contexts, status)] = tokenString(
      value,
      typeof contexts === 'function' ? contexts() : contexts,
      status
    )
  }
  return values
}

/** The text a token was written as (`${{ }}` kept), for messages and for tests that read the YAML. */
export function sourceText(token: TemplateToken | undefined): string | undefined {
  if (token === undefined) return undefined
  if (isBasicExpression(token)) return token.source ?? `\${{ ${token.expression} }}`
  if (isString(token)) return token.source ?? token.value
  if (isLiteral(token)) return isNumber(token) || isBoolean(token) ? String(token.value) : ''
  return undefined
}
