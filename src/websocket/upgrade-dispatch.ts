/**
 * The HTTP server's 'upgrade' events, sent through Fastify's router: one listener per server
 * and router however many encapsulated contexts register the plugin, a socket another
 * listener already answered left alone, and every upgrade that does not become a websocket
 * closed once its HTTP answer is written, whoever wrote it (a hook, the 404 handler, Fastify's
 * own 400 for a bad URL).
 */
import { ServerResponse, type IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

const kUpgrade = Symbol('fastify-ws-gateway.upgrade');

/** The socket and first bytes of an upgrade, kept on its raw request until a handler takes it. */
interface Upgrade {
  readonly socket: Duplex;
  readonly head: Buffer;
  /** `Date.now()` when the server emitted 'upgrade', before any hook ran. */
  readonly startedAt: number;
}

interface UpgradeRequest extends IncomingMessage {
  [kUpgrade]?: Upgrade;
}

type Routing = FastifyInstance['routing'];

interface SharedListener {
  readonly listener: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  users: number;
}

// Keyed by server, then by router: two apps may share a server, contexts of one app share both.
const listeners = new WeakMap<EventEmitter, Map<Routing, SharedListener>>();

/**
 * Starts routing `server`'s upgrades through `fastify`'s router, sharing the listener with
 * every other context of the same app. Returns the detach function (idempotent); the listener
 * goes when its last user detaches.
 */
export function listenForUpgrades(server: EventEmitter, fastify: FastifyInstance): () => void {
  const routing = fastify.routing;
  let byRouter = listeners.get(server);
  if (byRouter === undefined) {
    byRouter = new Map();
    listeners.set(server, byRouter);
  }
  let shared = byRouter.get(routing);
  if (shared === undefined) {
    shared = { listener: upgradeListener(routing, fastify.log), users: 0 };
    byRouter.set(routing, shared);
    server.on('upgrade', shared.listener);
  }
  shared.users++;
  const user = shared;
  const routers = byRouter;
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    if (--user.users > 0) return;
    server.removeListener('upgrade', user.listener);
    routers.delete(routing);
  };
}

/** True while `raw` is an upgrade that no handler took yet. */
export function isUpgrade(raw: IncomingMessage): boolean {
  return (raw as UpgradeRequest)[kUpgrade] !== undefined;
}

/**
 * When the upgrade request reached the server (`Date.now()`), before any hook ran; undefined
 * for a request that is no upgrade or whose socket a handler already took.
 */
export function upgradeStartedAt(raw: IncomingMessage): number | undefined {
  return (raw as UpgradeRequest)[kUpgrade]?.startedAt;
}

/**
 * Hands the upgrade's socket and head to a websocket handler: from here on its errors and its
 * end are the handler's (ws guards the socket itself once `handleUpgrade` runs).
 */
export function takeUpgrade(raw: IncomingMessage, response: ServerResponse): Upgrade {
  const upgrade = (raw as UpgradeRequest)[kUpgrade] as Upgrade;
  (raw as UpgradeRequest)[kUpgrade] = undefined;
  upgrade.socket.removeListener('error', destroySocket);
  response.removeListener('finish', closeAnsweredUpgrade);
  return upgrade;
}

function upgradeListener(routing: Routing, log: FastifyBaseLogger) {
  return function onUpgrade(raw: UpgradeRequest, socket: Duplex, head: Buffer): void {
    if (answeredElsewhere(socket)) {
      log.warn('websocket upgrade left alone: another upgrade listener already took it');
      return;
    }
    const response = new ServerResponse(raw);
    try {
      response.assignSocket(socket as never);
    } catch (error) {
      // Another listener (another websocket plugin, say) holds the socket for its response.
      log.warn({ err: error }, 'websocket upgrade left alone: another upgrade listener owns it');
      return;
    }
    // Node stops guarding the socket before 'upgrade'; a reset during async hooks must not crash.
    socket.on('error', destroySocket);
    response.once('finish', closeAnsweredUpgrade);
    raw[kUpgrade] = { socket, head, startedAt: Date.now() };
    routing(raw, response);
  };
}

/**
 * A listener that ran before ours took the socket: it reads it (Node's parser stopped reading
 * before 'upgrade', `ws` starts once its handshake is written), ended it or destroyed it.
 * Bytes written are no sign: a keep-alive connection carries earlier responses.
 */
function answeredElsewhere(socket: Duplex): boolean {
  return socket.destroyed || socket.writableEnded || socket.listenerCount('data') > 0;
}

/** The upgrade got a plain HTTP answer: flush it, then close the socket for good. */
function closeAnsweredUpgrade(this: ServerResponse): void {
  const socket = this.socket as Duplex;
  socket.end(() => socket.destroy());
}

function destroySocket(this: Duplex): void {
  this.destroy();
}
