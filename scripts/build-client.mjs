// Bundles the browser entry of the client (src/client/browser-entry.ts) into one ES module that a
// page loads with <script type="module">: dist/client/browser.js, or the path given after --outfile.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outfile');
const outfile =
  flag === -1 ? resolve(root, 'dist/client/browser.js') : resolve(process.argv[flag + 1]);

await build({
  entryPoints: [resolve(root, 'src/client/browser-entry.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
