// Parsers for the input values that are more than a plain string. Each throws an Error whose
// message says what is accepted; the inputs schema turns it into an issue naming the input.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { randomInt } from 'node:crypto'
import YAML, { isMap, isScalar, visit } from 'yaml'
import { readMappingFile } from './mapping-file.js'

export type Mapping = Record<string, unknown>

const MAPPING_FILE = /\.(json|ya?ml)$/i
const INLINE_MAPPING = /:\s/

/** A mapping given inline as JSON or YAML, or as a path to a .json/.yaml/.yml file in the workspace. */
export function parseMapping(raw: string, workspace: string): Mapping {
  const text = raw.trim()
  let source = text
  let where = 'inline value'
  if (!text.includes('\n') && MAPPING_FILE.test(text)) {
    const file = path.resolve(workspace, text)
    if (existsSync(file)) {
      source = readMappingFile(text, file, workspace)
      where = `file ${text}`
    } else if (!INLINE_MAPPING.test(text)) {
      // `key: name.yaml` is inline YAML whose value ends like a file name, not a missing file.
      throw new Error(`file ${text} does not exist (looked for ${file})`)
    }
  }
  let parsed: unknown
  try {
    parsed = parseYaml(source)
  } catch (error) {
    // the whole message: the parser's pointer at the place is the useful part
    const reason = (error instanceof Error ? error.message : String(error))
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .join('\n')
    throw new Error(`${where} is not valid JSON or YAML: ${reason}`, { cause: error })
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${where} must be a mapping (key: value), got ${describe(parsed)}`)
  }
  return parsed as Mapping
}

/**
 * YAML (JSON included), strict, with duplicate keys refused. The yaml package's own uniqueKeys
 * check compares every pair of keys (50 000 keys: 20 s); a set per mapping is linear.
 */
function parseYaml(source: string): unknown {
  const doc = YAML.parseDocument(source, { strict: true, uniqueKeys: false })
  const problem = doc.errors[0]
  if (problem) throw problem
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return
      const seen = new Set<string>()
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? `s:${String(pair.key.value)}` : `n:${String(pair.key)}`
        if (seen.has(key)) throw new Error(`Map keys must be unique; "${key.slice(2)}" is repeated`)
        seen.add(key)
      }
    }
  })
  return doc.toJS()
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing'
  if (Array.isArray(value)) return 'a list'
  return `a ${typeof value}`
}

/**
 * An entry point: a JSON array of strings taken as is, or a command line split into words as a
 * POSIX shell would (quotes and backslashes; no expansion), as `wandb launch --entry-point` does.
 */
export function parseEntryPoint(raw: string): string[] {
  const text = raw.trim()
  if (text.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      throw new Error('starts with "[" but is not a JSON array of strings')
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((w) => typeof w === 'string')) {
      throw new Error('must be a non-empty JSON array of strings')
    }
    return parsed
  }
  return splitWords(text)
}

export function splitWords(text: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quote === "'") {
      if (ch === "'") quote = null
      else word += ch
    } else if (quote === '"') {
      if (ch === '"') quote = null
      else if (ch === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] as string)) {
        const next = text[++i] as string
        if (next !== '\n') word += next
      } else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (ch === '\\') {
      const next = text[++i]
      if (next === undefined) throw new Error('ends with a lone backslash')
      if (next !== '\n') {
        word += next
        inWord = true
      }
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += ch
      inWord = true
    }
  }
  if (quote) throw new Error(`has an unterminated ${quote === "'" ? 'single' : 'double'} quote`)
  if (inWord) words.push(word)
  if (words.length === 0) throw new Error('has no words')
  return words
}

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/

/** Minutes as a bare number (`90`), or with units: `45m`, `2h`, `1h30m`, `30s`. Returns seconds. */
export function parseDuration(raw: string): number {
  const text = raw.trim().toLowerCase()
  if (/^\d+(\.\d+)?$/.test(text)) {
    const seconds = Number(text) * 60
    if (seconds > 0) return seconds
  } else {
    const match = DURATION.exec(text)
    if (match && text !== '') {
      const [, h, m, s] = match
      const seconds = Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)
      if (seconds > 0) return seconds
    }
  }
  throw new Error('must be a positive duration: minutes (90) or with units (45m, 2h, 1h30m, 30s)')
}

const RUN_ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz'

/** 8 lowercase base-36 characters, like wandb.sdk.lib.runid.generate_id(). */
export function generateRunId(): string {
  let id = ''
  for (let i = 0; i < 8; i++) id += RUN_ID_ALPHABET[randomInt(RUN_ID_ALPHABET.length)]
  return id
}

// The SDK rejects : ; , # ? / ' and whitespace; the ID is also a URL path segment, so only
// characters that need no escaping there are accepted.
const RUN_ID = /^[A-Za-z0-9_.~-]{1,128}$/

export function checkRunId(raw: string): string {
  const id = raw.trim()
  if (!RUN_ID.test(id) || id === '.' || id === '..') {
    throw new Error('must be 1 to 128 characters from letters, digits, "-", "_", "." and "~" (no spaces, no :;,#?/\')')
  }
  return id
}

/** `; did you mean X?` for a value close to one of the accepted ones (a typo), else nothing. */
export function didYouMean(value: string, accepted: readonly string[]): string {
  const given = value.trim().toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const option of accepted) {
    const d = editDistance(given, option.toLowerCase())
    if (d < bestDistance) [best, bestDistance] = [option, d]
  }
  const close = best !== undefined && given !== '' && bestDistance <= Math.max(2, Math.floor(best.length / 3))
  return close ? `; did you mean ${best}?` : ''
}

function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const next = [i]
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    row = next
  }
  return row[b.length]!
}

/** What the runner's own boolean inputs take (core.getBooleanInput: YAML 1.2's core schema), no
 *  more: yes/on/1 would work here and nowhere else. */
export function parseBoolean(v: string): boolean {
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw new Error(`must be true or false, got "${v}"`)
}

/** W&B refuses tags longer than 64 characters. */
const MAX_TAG = 64

/** Tags separated by commas or newlines. */
export function parseTags(raw: string): string[] {
  const tags = [
    ...new Set(
      raw
        .split(/[,\n]/)
        .map((t) => t.trim())
        .filter(Boolean)
    )
  ]
  const long = tags.filter((t) => t.length > MAX_TAG)
  if (long.length) throw new Error(`W&B takes tags of at most ${MAX_TAG} characters: ${long.join(', ')}`)
  return tags
}
