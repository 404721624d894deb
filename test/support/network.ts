/** Real-network helpers shared by the suites: listen on port 0, raw upgrade requests. */
import type { FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { within } from './waiting';

/** Listens on an ephemeral port of 127.0.0.1 and returns the `ws://` base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `ws://127.0.0.1:${portOf(app)}`;
}

/** The port a listening app is bound to. */
export function portOf(app: FastifyInstance): number {
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not a TCP address');
  return address.port;
}

/** A TCP connection that sent a websocket upgrade request by hand and then speaks raw bytes. */
export interface RawUpgrade {
  readonly socket: Socket;
  /** Every byte received after the response head. */
  readonly received: () => Buffer;
  /** Resolves when the server ends or resets the TCP connection. */
  readonly ended: Promise<void>;
}

export interface RawUpgradeOptions {
  /** The request headers besides the upgrade ones; default only `Host`. `{}` sends no Host. */
  readonly headers?: Record<string, string>;
  /**
   * `true` (default): resolve once the server answered 101, reject on any other answer.
   * `false`: resolve as soon as the request is written, for tests of refusals and resets.
   */
  readonly upgraded?: boolean;
  /** `false` stops reading right after the handshake (a stalled peer). Default `true`. */
  readonly read?: boolean;
}

/** Opens a TCP connection to `port` and sends a websocket upgrade request for `path`. */
export async function rawUpgrade(
  port: number,
  path: string,
  { headers = { host: `127.0.0.1:${port}` }, upgraded = true, read = true }: RawUpgradeOptions = {},
): Promise<RawUpgrade> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {}); // a reset by the server is an expected outcome here
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let buffered = Buffer.alloc(0);
  let headDone = false;
  const handshake = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (headDone) return;
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.subarray(0, end).toString();
      buffered = buffered.subarray(end + 4);
      headDone = true;
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(head.split('\r\n')[0]));
      else {
        if (!read) socket.pause();
        resolve();
      }
    });
    socket.once('close', () => reject(new Error('closed during the upgrade')));
  });
  const lines = [
    `GET ${path} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
  ];
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(lines.join('\r\n') + '\r\n\r\n');
  if (upgraded) await within(handshake, 5_000, `raw upgrade of ${path}`);
  else handshake.catch(() => {});
  return { socket, received: () => buffered, ended };
}

/** Sends one `echo` request over `app.injectWS(path)` and returns the first frame that comes back. */
export async function echoOver(app: FastifyInstance, path: string): Promise<unknown> {
  const socket = await app.injectWS(path);
  const reply = new Promise((resolve) =>
    socket.once('message', (m) => resolve(JSON.parse(String(m)))),
  );
  socket.send(JSON.stringify({ event: 'echo', data: 'hi', id: 1 }));
  const frame = await reply;
  socket.terminate();
  return frame;
}
