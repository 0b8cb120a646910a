// action.yml against the action schema GitHub publishes with its workflow parser
// (@actions/workflow-parser, the schema of its language services), besides our own key check:
// what it reports is what makes the runner print "Failed to load .../action.yml" before a line
// of the action runs. The usual case is an expression somewhere the runner does not evaluate
// one: in a description, `${{ ... }}` is read as an expression with no context, and the action
// fails to load on every runner (only an input's `default` may read github, runner, job, ...).
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import { parseAction } from '@actions/workflow-parser/actions/index'
import type { Problem } from './action-metadata.js'

/** Every problem GitHub's action schema finds in `text` (read from `file`), in file order. */
export function checkActionSchema(text: string, file: string): Problem[] {
  const { context } = parseAction({ name: file, content: text }, new NoOperationTraceWriter())
  return context.errors
    .getErrors()
    .map((error) => {
      const at = error.range?.start ?? lineOf(error.prefix)
      const hint = /Unrecognized named-value/.test(error.rawMessage)
        ? ' (GitHub evaluates ${{ }} only in an input default, with github, runner, job, strategy, matrix: write the text without ${{ }})'
        : ''
      return { file, line: at.line, column: at.column, message: `action schema: ${error.rawMessage}${hint}` }
    })
    .sort((a, b) => a.line - b.line || a.column - b.column)
}

/** The position in an error's prefix, `file (Line: 3, Col: 5)`, for an error without a range. */
function lineOf(prefix: string | undefined): { line: number; column: number } {
  const match = /\(Line: (\d+), Col: (\d+)\)/.exec(prefix ?? '')
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: 1, column: 1 }
}
