import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(__dirname, '..', '..');

/** README.md and every page under docs/, as paths relative to the repository root. */
export function markdownFiles(): string[] {
  const under = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? under(join(dir, entry.name))
        : entry.name.endsWith('.md')
          ? [join(dir, entry.name)]
          : [],
    );
  return ['README.md', ...under('docs')];
}

export interface CodeBlock {
  /** The markdown file, relative to the repository root. */
  readonly file: string;
  /** 1-based line of the block's first code line in that file. */
  readonly line: number;
  readonly lang: string;
  /** `file=<path>` in the fence's info string: the block is exactly that file of the repository. */
  readonly source: string | undefined;
  readonly code: string;
}

/** The fenced code blocks of one markdown file (``` fences, info string `lang [file=path]`). */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end] !== '```') end++;
    const source = /(?:^|\s)file=(\S+)/.exec(open[2])?.[1];
    blocks.push({
      file,
      line: start + 1,
      lang: open[1],
      source,
      code: lines.slice(start, end).join('\n') + '\n',
    });
    i = end;
  }
  return blocks;
}

/** Paragraphs of prose (code blocks, tables, headings and list markers aside), whitespace folded. */
export function paragraphs(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  return text
    .split(/\n\s*\n|\n(?=\s*[-*] |\s*\d+\. |#|\|)/)
    .map((chunk) =>
      chunk
        .replace(/^\s*([-*]|\d+\.)\s+/, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((chunk) => chunk !== '' && !chunk.startsWith('#') && !chunk.startsWith('|'));
}

export function relativeToRoot(path: string): string {
  return relative(ROOT, path);
}
