/**
 * Every ```ts block of README.md and docs/ is a module that type-checks on its own, in one
 * TypeScript program with the repository's tsconfig (so `fastify-ws-gateway/...` resolves to
 * src/). A block opened with ```ts file=<path> is that file of the repository, character for
 * character, so the example a reader copies is the one the test suite runs.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { codeBlocks, markdownFiles, ROOT, type CodeBlock } from './markdown';

const blocks = markdownFiles()
  .flatMap(codeBlocks)
  .filter((block) => block.lang === 'ts');

let dir: string;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('the docs have ts examples to check', () => {
  expect(blocks.length).toBeGreaterThan(20);
});

test.each(blocks.filter((block) => block.source !== undefined).map((b) => [where(b), b] as const))(
  '%s is the file it names',
  (_where, block) => {
    expect(block.code).toBe(readFileSync(join(ROOT, block.source!), 'utf8'));
  },
);

test('every ts block type-checks as its own module', () => {
  // Inside the repository, so tsconfig.json's "paths" and node_modules apply as to src/.
  dir = mkdtempSync(join(ROOT, '.doc-blocks-'));
  const files = new Map<string, CodeBlock>();
  for (const block of blocks) {
    // Blocks of one page share a folder, so one block's relative import finds another.
    const page = join(dir, block.file.replace(/[/.]/g, '_'));
    mkdirSync(page, { recursive: true });
    // A block that is a repository file keeps its path, so its relative imports resolve.
    const path = join(page, block.source ?? `line-${block.line}.ts`);
    mkdirSync(dirname(path), { recursive: true });
    // `export {}` keeps a block without imports a module, not a script sharing globals.
    writeFileSync(path, `${block.code}export {};\n`);
    files.set(path, block);
  }

  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    { noEmit: true },
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const program = ts.createProgram([...files.keys()], config.options);
  const errors = [...files].flatMap(([path, block]) => {
    const source = program.getSourceFile(path)!;
    return [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((d) => {
      const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      return `${block.file}:${block.line + line}: TS${d.code} ${text}`;
    });
  });
  expect(errors).toEqual([]);
  // One type-check of every block and the src/ they import: seconds alone, longer on a busy machine.
}, 180_000);

function where(block: CodeBlock): string {
  return `${block.file}:${block.line}`;
}
