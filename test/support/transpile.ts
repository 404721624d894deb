import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export const ROOT = join(__dirname, '..', '..');

/** Every `.ts` file under `dir`, recursively. */
export function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourcesUnder(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * Transpiles `src/` and `files` (repository paths) to CommonJS in a fresh temp dir, with
 * decorator metadata, mapping `fastify-ws-gateway[/entry]` imports to the transpiled src so a
 * child process runs them on plain node (with NODE_PATH at the repository's node_modules).
 * Returns the dir.
 */
export function transpileWithSrc(files: readonly string[] = []): string {
  const out = mkdtempSync(join(tmpdir(), 'fwg-transpiled-'));
  for (const file of [...sourcesUnder(join(ROOT, 'src')), ...files.map((f) => join(ROOT, f))]) {
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
      },
    });
    const mapped = outputText.replace(
      /require\("fastify-ws-gateway(\/[\w-]+)?"\)/g,
      (_match, entry: string | undefined) =>
        `require(${JSON.stringify(join(out, 'src', entry ?? ''))})`,
    );
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, mapped);
  }
  return out;
}
