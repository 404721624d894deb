/** Helpers of the conformance suite: connect `ws` clients, read raw answers, record logs. */
import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import { WebSocket, type ClientOptions } from 'ws';

/** Opens a client (its messages recorded from the start); rejects with ws's error. */
export function openClient(
  url: string,
  options?: ClientOptions,
  protocols?: string[],
): Promise<WebSocket> {
  const ws = track(new WebSocket(url, protocols, options));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** `app.injectWS()` with the client's messages recorded from the start. */
export function inject(
  app: FastifyInstance,
  path: string,
  upgradeContext: Parameters<FastifyInstance['injectWS']>[1] = {},
): Promise<WebSocket> {
  return app.injectWS(path, upgradeContext, { onInit: track });
}

interface Inbox {
  frames: string[];
  waiters: ((frame: string) => void)[];
}
const inboxes = new WeakMap<WebSocket, Inbox>();

/**
 * Records a client's messages from now on. Frames sent by a handler at once can arrive in the
 * same read as the 101 response, before an `await openClient()` continuation could listen.
 */
export function track(ws: WebSocket): WebSocket {
  const inbox: Inbox = { frames: [], waiters: [] };
  inboxes.set(ws, inbox);
  ws.on('message', (data) => {
    const waiter = inbox.waiters.shift();
    if (waiter) waiter(String(data));
    else inbox.frames.push(String(data));
  });
  return ws;
}

/** The oldest unread message of a tracked client, as a string. */
export function nextMessage(ws: WebSocket): Promise<string> {
  const inbox = inboxes.get(ws) ?? inboxes.get(track(ws))!;
  const frame = inbox.frames.shift();
  if (frame !== undefined) return Promise.resolve(frame);
  return new Promise((resolve) => inbox.waiters.push(resolve));
}

export interface CloseEvent {
  code: number;
  reason: string;
}

/** Resolves when the socket closes (also when it already has). */
export function closed(ws: WebSocket): Promise<CloseEvent> {
  return new Promise((resolve) => {
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

/** Everything the socket receives until it closes, as latin1 text. */
export function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.once('close', () => resolve(text));
  });
}

/** Resolves with the first chunk of the upgrade response (status line and headers). */
export function responseHead(socket: Socket): Promise<string> {
  return new Promise((resolve) =>
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1'))),
  );
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A Fastify `logger` option that records every line, and the recorded lines. */
export function recordLogs(level = 'info') {
  const lines: LogLine[] = [];
  const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };
  return { logger: { level, stream }, lines };
}

export const ERROR_LEVEL = 50;
export const WARN_LEVEL = 40;
export const INFO_LEVEL = 30;

/**
 * Records the server side of every TCP connection `app` accepts from now on, so a test can
 * wait until each one is closed, then check the server counts none.
 */
export function serverSockets(app: FastifyInstance) {
  const sockets: Socket[] = [];
  app.server.on('connection', (socket: Socket) => sockets.push(socket));
  return {
    count: () => sockets.length,
    /** Resolves once every recorded server-side socket closed. */
    allClosed: () =>
      Promise.all(
        sockets.map((socket) =>
          socket.destroyed ? undefined : new Promise((resolve) => socket.once('close', resolve)),
        ),
      ),
    /** The server's own count of open connections. */
    open: () =>
      new Promise<number>((resolve, reject) =>
        app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
      ),
  };
}

/** Resolves with `app.close()`, or rejects when it has not finished within `ms`. */
export async function closesWithin(app: FastifyInstance, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`app.close() still pending after ${ms} ms`)), ms);
  });
  try {
    await Promise.race([app.close(), late]);
  } finally {
    clearTimeout(timer);
  }
}
