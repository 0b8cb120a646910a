// The README's picture of a pull-request comment: a comment's Markdown rendered as GitHub shows it
// (GitHub-flavoured Markdown by marked, the Mermaid charts drawn by the mermaid package's browser
// bundle, collapsed blocks opened), photographed by headless Chromium.
// `node scripts/comment-screenshot.mjs <comment.md> <out.png> [width]`; needs `chromium` on PATH.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { marked } from 'marked'

const [input, output, width = '900'] = process.argv.slice(2)
if (!input || !output) {
  console.error('usage: node scripts/comment-screenshot.mjs <comment.md> <out.png> [width]')
  process.exit(2)
}
const markdown = readFileSync(input, 'utf8')
const body = marked
  .parse(markdown, { gfm: true })
  .replace(/<pre><code class="language-mermaid">([\s\S]*?)<\/code><\/pre>/g, '<pre class="mermaid">$1</pre>')
  .replace(/<details>/g, '<details open>')
const bundle = pathToFileURL(path.resolve('node_modules/mermaid/dist/mermaid.min.js')).href
const html = `<!doctype html><html><head><meta charset="utf-8"><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #1f2328; margin: 0; background: #fff; }
.comment { margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
.head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; color: #59636e; }
.body { padding: 0 16px 8px; }
table { border-collapse: collapse; margin: 8px 0; } th, td { border: 1px solid #d1d9e0; padding: 4px 12px; }
th { background: #f6f8fa; } tr:nth-child(2n) td { background: #f6f8fa; }
code { background: #eff1f3; border-radius: 4px; padding: 1px 4px; font-size: 85%; }
pre.mermaid { background: #fff; max-width: 640px; } summary { cursor: pointer; margin: 8px 0; } sub { color: #59636e; }
</style></head><body><div class="comment"><div class="head"><b>github-actions</b> bot commented</div>
<div class="body">${body}</div></div>
<script src="${bundle}"></script><script>mermaid.initialize({ startOnLoad: true, theme: 'default' })</script></body></html>`
const dir = mkdtempSync(path.join(tmpdir(), 'comment-shot-'))
const page = path.join(dir, 'comment.html')
writeFileSync(page, html)
// Tall enough for the page; Chromium crops nothing it does not draw.
const height = String(Number(process.env.SHOT_HEIGHT ?? 1400))
execFileSync(
  'chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--allow-file-access-from-files',
    `--window-size=${width},${height}`,
    '--virtual-time-budget=8000',
    `--screenshot=${path.resolve(output)}`,
    pathToFileURL(page).href
  ],
  { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 }
)
console.log(`wrote ${output} from ${input} (${page})`)
