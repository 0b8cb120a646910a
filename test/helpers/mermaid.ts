// Mermaid's own parser, run in Node: it needs a DOM (DOMPurify), which jsdom provides.
import { JSDOM } from 'jsdom'

let loaded: Promise<{ parse: (text: string) => Promise<unknown> }> | undefined

function mermaid(): Promise<{ parse: (text: string) => Promise<unknown> }> {
  loaded ??= (async () => {
    const dom = new JSDOM('<!doctype html><html><body></body></html>')
    Object.assign(globalThis, { window: dom.window, document: dom.window.document })
    const module = await import('mermaid')
    return module.default
  })()
  return loaded
}

/** The diagram type Mermaid's parser gives the text; throws its parse error. */
export async function parseMermaid(text: string): Promise<string> {
  const result = (await (await mermaid()).parse(text)) as { diagramType: string }
  return result.diagramType
}

/** The bodies of the ```mermaid blocks in a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((m) => m[1] as string)
}
