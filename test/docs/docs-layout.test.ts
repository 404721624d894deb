/**
 * The docs' shape: a short README, each text in one place, and links that lead somewhere.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { markdownFiles, paragraphs, ROOT } from './markdown';

/** Pages other branches write; listed here until they land, so links to them are allowed. */
const PENDING = new Set([
  'docs/redis.md',
  'docs/pipeline.md',
  'docs/observability.md',
  'docs/providers.md',
]);

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

test('README.md stays under 200 lines', () => {
  expect(read('README.md').split('\n').length).toBeLessThan(200);
});

test('no paragraph of README.md is repeated in docs/', () => {
  const docs = markdownFiles()
    .filter((file) => file !== 'README.md')
    .map((file) => [file, paragraphs(file).join('\n')] as const);
  const repeated = paragraphs('README.md')
    .filter((paragraph) => paragraph.length >= 120)
    .flatMap((paragraph) =>
      docs.filter(([, text]) => text.includes(paragraph)).map(([file]) => `${file}: ${paragraph}`),
    );
  expect(repeated).toEqual([]);
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(file: string): Set<string> {
  const text = read(file).replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
  return new Set(
    [...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading]) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

test('every relative link of README.md and docs/ leads to a file and heading that exist', () => {
  const broken = markdownFiles().flatMap((file) => {
    const text = read(file).replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
    return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map(([, target]) => target)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [path, anchor] = target.split('#');
        const resolved = path === '' ? file : normalize(join(dirname(file), path));
        if (PENDING.has(resolved)) return false;
        if (!existsSync(join(ROOT, resolved))) return true;
        return anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor);
      })
      .map((target) => `${file}: ${target}`);
  });
  expect(broken).toEqual([]);
});

test('docs/README.md indexes every page', () => {
  const index = read('docs/README.md');
  const pages = [...markdownFiles().filter((f) => f.startsWith('docs/')), ...PENDING];
  const missing = pages
    .filter((file) => file !== 'docs/README.md')
    .filter((file) => !index.includes(`](${file.slice('docs/'.length)})`));
  expect(missing).toEqual([]);
});
