// Preloaded (`node -r`) into a bench server to run it on another build of this package, e.g.
// the one before a change: `npm run bench -- --before <dir>` makes `fastify-ws-gateway` and its
// subpaths resolve to `<dir>/index.js` and `<dir>/<entry>/index.js`, so before and after are
// measured in one run.
import Module from 'node:module';
import { join } from 'node:path';

const NAME = 'fastify-ws-gateway';
const dist = process.env.BENCH_GATEWAY_DIST;
if (!dist) throw new Error('redirect-dist: set BENCH_GATEWAY_DIST to a build directory');

type Resolve = (request: string, ...rest: unknown[]) => string;
const internal = Module as unknown as { _resolveFilename: Resolve };
const resolve = internal._resolveFilename;
internal._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  if (request === NAME || request.startsWith(`${NAME}/`)) {
    const entry = request.slice(NAME.length + 1);
    request = join(dist, entry, 'index.js');
  }
  return resolve.call(this, request, ...rest);
};
