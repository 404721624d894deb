import type { FastifyInstance } from 'fastify';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnClose,
  OnConnect,
  type Connection,
} from '../../src';
import { connectGateway } from '../../src/testing';
import { until } from './waiting';

/** The path of every gone gateway. */
export const GONE_PATH = '/gone';

/** A fresh resumable gateway class, its GatewayServer once an app built it, and its closes. */
export interface GoneGateway {
  readonly gateway: new (server: GatewayServer) => unknown;
  /** The GatewayServer of the app that built the gateway last. */
  readonly server: GatewayServer;
  /** How many times its @OnClose ran. */
  readonly closed: number;
}

/**
 * Declares a resumable gateway at `/gone` whose dropped sessions are ended 300 ms later (or past
 * 3 frames); each connection joins `all` and gets `data` in its conn.data. Fresh per call, so
 * its counts belong to one test.
 */
export function goneGateway(options: { data?: Record<string, unknown> } = {}): GoneGateway {
  let server: GatewayServer | undefined;
  let closed = 0;

  @Gateway(GONE_PATH, { resume: { maxDisconnectionMs: 300, maxFrames: 3 } })
  class GoneGateway {
    constructor(gatewayServer: GatewayServer) {
      server = gatewayServer;
    }
    @OnConnect() enter(@ConnectedSocket() conn: Connection) {
      conn.join('all');
      Object.assign(conn.data, options.data);
    }
    @OnClose() leave() {
      closed++;
    }
  }

  return {
    gateway: GoneGateway,
    get server() {
      if (server === undefined) throw new Error('no app has built the gone gateway yet');
      return server;
    },
    get closed() {
      return closed;
    },
  };
}

/** Up to a million turns of the event loop: 10,000 sessions take a while on a loaded machine. */
export const waitLong = (condition: () => boolean) => until(condition, 1_000_000);

/**
 * Opens `count` resumable connections to `path`, 500 at a time, drops each once it has its
 * session, and resolves once the server has let go of every socket.
 */
export async function dropMany(app: FastifyInstance, path: string, count: number): Promise<void> {
  for (let done = 0; done < count; done += 500) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(500, count - done) }, () => connectGateway(app, path)),
    );
    await waitLong(() => batch.every((client) => client.session !== null));
    await Promise.all(batch.map((client) => client.drop()));
  }
  // The server notices each drop on its own schedule; its sockets leave the client set then.
  await waitLong(() => app.websocketServer.clients.size === 0);
}
