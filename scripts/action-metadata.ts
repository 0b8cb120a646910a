// The schema check of action.yml: a strict YAML parse (any error or warning, a duplicate key
// included, is a problem), then only the keys GitHub's action metadata syntax allows at each
// level, with the values it accepts. GitHub ignores nothing quietly here: an unknown key or a
// bad branding value makes the Marketplace reject the action, and a YAML error makes every
// `uses:` of it fail before a line of our code runs.
// Reference: docs.github.com, "Metadata syntax for GitHub Actions".
import { existsSync } from 'node:fs'
import path from 'node:path'
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml'

export interface Problem {
  file: string
  line: number
  column: number
  message: string
}

// The background colours and the Feather icons (v4.28.0, minus brand icons and the few GitHub
// omits) that GitHub lists as supported for `branding`.
export const BRANDING_COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']
export const BRANDING_ICONS = `
activity airplay alert-circle alert-octagon alert-triangle align-center align-justify align-left align-right anchor
aperture archive arrow-down-circle arrow-down-left arrow-down-right arrow-down arrow-left-circle arrow-left
arrow-right-circle arrow-right arrow-up-circle arrow-up-left arrow-up-right arrow-up at-sign award bar-chart-2
bar-chart battery-charging battery bell-off bell bluetooth bold book-open book bookmark box briefcase calendar
camera-off camera cast check-circle check-square check chevron-down chevron-left chevron-right chevron-up
chevrons-down chevrons-left chevrons-right chevrons-up circle clipboard clock cloud-drizzle cloud-lightning
cloud-off cloud-rain cloud-snow cloud code command compass copy corner-down-left corner-down-right
corner-left-down corner-left-up corner-right-down corner-right-up corner-up-left corner-up-right cpu credit-card
crop crosshair database delete disc dollar-sign download-cloud download droplet edit-2 edit-3 edit external-link
eye-off eye fast-forward feather file-minus file-plus file-text file film filter flag folder-minus folder-plus
folder gift git-branch git-commit git-merge git-pull-request globe grid hard-drive hash headphones heart
help-circle home image inbox info italic layers layout life-buoy link-2 link list loader lock log-in log-out mail
map-pin map maximize-2 maximize menu message-circle message-square mic-off mic minimize-2 minimize minus-circle
minus-square minus monitor moon more-horizontal more-vertical move music navigation-2 navigation octagon package
paperclip pause-circle pause percent phone-call phone-forwarded phone-incoming phone-missed phone-off
phone-outgoing phone pie-chart play-circle play plus-circle plus-square plus pocket power printer radio
refresh-ccw refresh-cw repeat rewind rotate-ccw rotate-cw rss save scissors search send server settings share-2
share shield-off shield shopping-bag shopping-cart shuffle sidebar skip-back skip-forward slash sliders smartphone
speaker square star stop-circle sun sunrise sunset table tablet tag target terminal thermometer thumbs-down
thumbs-up toggle-left toggle-right trash-2 trash trending-down trending-up triangle truck tv type umbrella
underline unlock upload-cloud upload user-check user-minus user-plus user-x user users video-off video voicemail
volume-1 volume-2 volume-x volume watch wifi-off wifi wind x-circle x-square x zap-off zap zoom-in zoom-out
`
  .trim()
  .split(/\s+/)

/** The runtime this action is built for; GitHub also knows node20, composite and docker. */
export const RUNTIME = 'node24'

type Shape = Record<string, 'string' | 'boolean' | 'map'>

const TOP: Shape = { name: 'string', author: 'string', description: 'string', inputs: 'map', outputs: 'map', runs: 'map', branding: 'map' }
const INPUT: Shape = { description: 'string', required: 'boolean', default: 'string', deprecationMessage: 'string' }
// `value` is for composite actions only; a JavaScript action sets its outputs at run time.
const OUTPUT: Shape = { description: 'string' }
const RUNS: Shape = { using: 'string', main: 'string', pre: 'string', post: 'string', 'pre-if': 'string', 'post-if': 'string' }
const BRANDING: Shape = { icon: 'string', color: 'string' }

const ID = /^[_a-zA-Z][a-zA-Z0-9_-]*$/

/**
 * Every problem in the action metadata `text` (read from `file`), in file order. `root` is the
 * folder the action lives in, for checking that runs.main and friends exist.
 */
export function checkActionMetadata(text: string, file: string, root = path.dirname(file)): Problem[] {
  const { doc, lines, problems } = parseStrict(text, file)
  const at = (node: Node | Pair | null | undefined, message: string): void => {
    const where = isPair(node) ? (node.key as Node | null) : node
    const { line, col } = lines.linePos(where?.range?.[0] ?? 0)
    problems.push({ file, line, column: col, message })
  }
  if (doc.errors.length > 0) return problems // the tree of a broken document is not worth judging

  const top = doc.contents
  if (!isMap(top)) {
    at(top, 'the action metadata must be a mapping (name, description, runs, ...)')
    return problems
  }
  const fields = checkKeys(top, TOP, 'the top level', at)
  for (const required of ['name', 'description', 'runs']) {
    if (!fields.has(required)) at(top, `the top level has no \`${required}\`, which GitHub requires`)
  }

  const entries = (key: string, shape: Shape, what: string): void => {
    const map = fields.get(key)?.value
    if (!isMap(map)) return
    for (const pair of map.items) {
      const id = String(isScalar(pair.key) ? pair.key.value : pair.key)
      if (!ID.test(id)) at(pair, `${what} \`${id}\`: an id must start with a letter or _ and hold only letters, digits, - and _`)
      if (!isMap(pair.value)) {
        at(pair, `${what} \`${id}\` must be a mapping with at least a description`)
        continue
      }
      const keys = checkKeys(pair.value, shape, `${what} \`${id}\``, at)
      if (!keys.has('description')) at(pair, `${what} \`${id}\` has no description, which GitHub requires`)
    }
  }
  entries('inputs', INPUT, 'input')
  entries('outputs', OUTPUT, 'output')

  const runs = fields.get('runs')?.value
  if (isMap(runs)) {
    const keys = checkKeys(runs, RUNS, '`runs`', at)
    const using = keys.get('using')
    if (!using) at(fields.get('runs'), '`runs` has no `using`')
    else if (scalar(using) !== RUNTIME)
      at(using.value as Node, `\`runs.using\` is ${JSON.stringify(scalar(using))}; this action runs on \`${RUNTIME}\``)
    if (!keys.has('main')) at(fields.get('runs'), '`runs` has no `main`, which a JavaScript action requires')
    for (const script of ['main', 'pre', 'post']) {
      const pair = keys.get(script)
      const target = pair && scalar(pair)
      if (pair && typeof target === 'string' && !existsSync(path.join(root, target))) {
        at(pair.value as Node, `\`runs.${script}\` names ${target}, which does not exist (run npm run build)`)
      }
    }
  }

  const branding = fields.get('branding')?.value
  if (isMap(branding)) {
    const keys = checkKeys(branding, BRANDING, '`branding`', at)
    const icon = keys.get('icon')
    if (icon && !BRANDING_ICONS.includes(String(scalar(icon)))) {
      at(
        icon.value as Node,
        `\`branding.icon\` ${JSON.stringify(scalar(icon))} is not one of the Feather icons GitHub supports (for example play-circle, zap, upload-cloud)`
      )
    }
    const color = keys.get('color')
    if (color && !BRANDING_COLORS.includes(String(scalar(color)))) {
      at(color.value as Node, `\`branding.color\` ${JSON.stringify(scalar(color))} is not one of ${BRANDING_COLORS.join(', ')}`)
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column)
}

/** A strict YAML parse: every error and warning (a duplicate key included) is a problem. */
export function parseStrict(text: string, file: string): { doc: Document.Parsed; lines: LineCounter; problems: Problem[] } {
  const lines = new LineCounter()
  const doc = parseDocument(text, { strict: true, uniqueKeys: true, prettyErrors: true, lineCounter: lines })
  const problems = [...doc.errors, ...doc.warnings].map((error) => {
    const pos = error.linePos?.[0] ?? { line: 1, col: 1 }
    // The usual cause: a plain (unquoted) value that holds ": ".
    const hint = error.code === 'BLOCK_AS_IMPLICIT_KEY' ? ' (quote a value that holds ": ")' : ''
    return { file, line: pos.line, column: pos.col, message: `YAML: ${firstLine(error.message)}${hint}` }
  })
  return { doc, lines, problems }
}

/** The pairs of `map` by key; a key `shape` does not allow, or a value of the wrong type, is a problem. */
function checkKeys(
  map: YAMLMap,
  shape: Shape,
  where: string,
  at: (node: Node | Pair | null | undefined, message: string) => void
): Map<string, Pair> {
  const found = new Map<string, Pair>()
  for (const pair of map.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key)
    const type = shape[key]
    if (!type) {
      at(pair, `${where}: \`${key}\` is not a key GitHub's action metadata allows here (allowed: ${Object.keys(shape).join(', ')})`)
      continue
    }
    found.set(key, pair)
    const value = pair.value
    const actual = describe(value)
    const wanted = type === 'map' ? 'a mapping' : `a ${type}`
    if (actual !== wanted) {
      const hint = type === 'string' && actual !== 'empty' ? ' (quote it)' : ''
      at((value as Node | null) ?? pair, `${where}: \`${key}\` must be ${wanted}${hint}, not ${actual}`)
    }
  }
  return found
}

function describe(value: unknown): string {
  if (value == null || (isScalar(value) && value.value == null)) return 'empty'
  if (isMap(value)) return 'a mapping'
  return isScalar(value) ? `a ${typeof value.value}` : 'a list'
}

function scalar(pair: Pair): unknown {
  return isScalar(pair.value) ? pair.value.value : undefined
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
