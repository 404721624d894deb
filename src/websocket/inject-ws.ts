/**
 * `fastify.injectWS()`: a websocket client wired to the server through an in-memory stream
 * pair, so tests reach a websocket route through every Fastify hook without a port.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, type ClientOptions } from 'ws';
import type { InjectWSOption } from './types';

/** One end of an in-memory socket: what it writes, its peer reads. */
class MemorySocket extends Duplex {
  peer!: MemorySocket;

  override _read(): void {}

  // Delivery waits for the next turn of the event loop, as on a network: ws relies on a write
  // not reaching the peer before it returns, and a test awaiting injectWS() must get the
  // socket before the frames the handler sent at once.
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    setImmediate(() => {
      this.peer.push(chunk);
      callback();
    });
  }

  override _final(callback: () => void): void {
    setImmediate(() => {
      this.peer.push(null);
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    // Like a TCP reset: the peer still gets what was sent before, then loses the connection.
    setImmediate(() => this.peer.destroy());
    callback(error);
  }
}

function memorySocketPair(): [MemorySocket, MemorySocket] {
  const client = new MemorySocket();
  const server = new MemorySocket();
  client.peer = server;
  server.peer = client;
  return [client, server];
}

const HEADER_END = '\r\n\r\n';
const STATUS_LINE = /^HTTP\/1\.1 (\d{3})/;

/** Sends the HTTP upgrade through `emitUpgrade`, as Node's server would for a real socket. */
export type EmitUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Builds `fastify.injectWS` on top of the server's `upgrade` dispatch. */
export function createInjectWS(emitUpgrade: EmitUpgrade) {
  return function injectWS(
    path = '/',
    upgradeContext: Partial<IncomingMessage> = {},
    options: InjectWSOption = {},
  ): Promise<WebSocket> {
    const [clientEnd, serverEnd] = memorySocketPair();
    // A client socket built without a URL; it opens on the server's 101 response.
    // closeTimeout as ws's default: without a URL ws leaves it unset, and close() would cut the
    // socket 1 ms later, before the server's close frame arrives (code 1006 instead of 1000).
    const ws = new WebSocket(null as unknown as string, undefined, {
      autoPong: true,
      closeTimeout: 30_000,
    } as ClientOptions);
    (ws as unknown as { _isServer: boolean })._isServer = false;
    options.onInit?.(ws);

    return new Promise<WebSocket>((resolve, reject) => {
      let response = '';
      const onData = (chunk: Buffer): void => {
        response += chunk.toString('latin1');
        const headerEnd = response.indexOf(HEADER_END);
        if (headerEnd === -1) return;
        clientEnd.removeListener('data', onData);
        const status = Number(STATUS_LINE.exec(response)?.[1]);
        if (status !== 101) {
          reject(new Error('Unexpected server response: ' + status));
          return;
        }
        // Frames the server sent right after the 101 belong to the websocket.
        const head = Buffer.from(response.slice(headerEnd + HEADER_END.length), 'latin1');
        ws.on('open', () => {
          options.onOpen?.(ws);
          resolve(ws);
        });
        const setSocket = (ws as unknown as WebSocketInternals).setSocket;
        setSocket.call(ws, clientEnd, head, { maxPayload: 0 });
      };
      clientEnd.on('data', onData);
      // The server dropped the connection without answering (settles nothing once open).
      clientEnd.once('close', () => reject(new Error('socket hang up')));

      const request = {
        ...upgradeContext,
        method: 'GET',
        url: path,
        httpVersion: '1.1',
        socket: serverEnd,
        headers: {
          ...upgradeContext.headers,
          connection: 'upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': randomBytes(16).toString('base64'),
        },
      } as unknown as IncomingMessage;
      emitUpgrade(request, serverEnd, Buffer.alloc(0));
    });
  };
}

interface WebSocketInternals {
  setSocket(socket: Duplex, head: Buffer, options: { maxPayload: number }): void;
}
