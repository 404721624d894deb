/**
 * The route hooks that admit an upgrade to a gateway, each answering with plain HTTP before
 * any socket exists: the Origin check (403), the connect deadline that starts with the request
 * (503 while still HTTP), and the connection cap (503).
 */
import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import type { Socket } from 'node:net';
import { upgradeStartedAt } from '../websocket/plugin';
import { timerDelay } from './timer-delay';

/** `'*'` (any origin), a list of exact `Origin` values, or none: the request's own host only. */
export type AllowedOrigins = readonly string[] | '*';

/**
 * Refuses a browser upgrade from a foreign origin with 403. Without `allowedOrigins` only an
 * `Origin` whose host is the request's host passes; `'*'` needs no hook at all.
 */
export function originCheck(allowedOrigins: AllowedOrigins | undefined): onRequestHookHandler[] {
  if (allowedOrigins === '*') return [];
  const listed = new Set(allowedOrigins);
  const allowed =
    allowedOrigins === undefined ? isSameHost : (origin: string) => listed.has(origin);
  return [
    function checkOrigin(
      request: FastifyRequest,
      reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ) {
      const { origin } = request.headers;
      // Browsers always send Origin; clients that omit it are not browsers and could forge it.
      if (origin === undefined || allowed(origin, request.host)) {
        done();
        return;
      }
      refuse(reply, 403, 'Forbidden', 'Origin not allowed');
    },
  ];
}

/**
 * Same host as the request, port included: the Host header read with the Origin's scheme, so
 * `https://chat.example` matches `Host: chat.example` and `Host: chat.example:443` alike.
 */
function isSameHost(origin: string, host: string | undefined): boolean {
  if (host === undefined || host === '') return false;
  try {
    const { protocol, host: originHost } = new URL(origin);
    return new URL(`${protocol}//${host}`).host === originHost;
  } catch {
    return false; // `Origin: null` (sandboxed pages, files) and malformed values
  }
}

/** The deadline of one upgrade, from its request to the end of `@OnConnect`. */
export interface ConnectDeadline {
  /** `Date.now()` value by which `@OnConnect` must have finished. */
  readonly at: number;
  /** The socket opened: `@OnConnect` takes over the rest of the budget. */
  readonly cancel: () => void;
}

/**
 * Starts `connectTimeoutMs` when the request reached the server (so app-wide hooks before
 * this one count): if the hooks still run when it ends, the upgrade is answered
 * 503 and its socket closed. `deadlines` keeps it for the route handler, which hands what is
 * left to `@OnConnect`.
 */
export function connectDeadline(
  connectTimeoutMs: number,
  deadlines: WeakMap<FastifyRequest, ConnectDeadline>,
  onTimeout: (request: FastifyRequest) => void,
): onRequestHookHandler[] {
  if (connectTimeoutMs === Infinity) return [];
  return [
    function startConnectDeadline(
      request: FastifyRequest,
      reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ) {
      const timedOut = () => {
        onTimeout(request);
        refuse(reply, 503, 'Service Unavailable', 'Connection setup timed out');
      };
      // With upstream @fastify/websocket (no start time), the clock starts here.
      const startedAt = upgradeStartedAt(request.raw) ?? Date.now();
      const left = startedAt + connectTimeoutMs - Date.now();
      if (left <= 0) {
        timedOut();
        return;
      }
      // Upstream's injectWS builds a request without a socket.
      const socket = request.raw.socket as Socket | undefined;
      // Deleted, not left to the GC: a weak map's table only shrinks on delete.
      const cancel = () => {
        clearTimeout(timer);
        socket?.removeListener('close', cancel);
        deadlines.delete(request);
      };
      const timer = setTimeout(() => {
        cancel();
        timedOut();
      }, timerDelay(left)).unref();
      // Refused over HTTP, handshake aborted, client gone: nothing left to time.
      socket?.once('close', cancel);
      deadlines.set(request, { at: startedAt + connectTimeoutMs, cancel });
      done();
    },
  ];
}

/**
 * Refuses the upgrade with 503 while `count()` connections are open. Runs as the last hook,
 * right before the handshake, so no upgrade admitted meanwhile can push the count past `max`.
 */
export function connectionCap(max: number, count: () => number): preHandlerHookHandler[] {
  if (max === Infinity) return [];
  return [
    function checkConnectionCap(
      _request: FastifyRequest,
      reply: FastifyReply,
      done: HookHandlerDoneFunction,
    ) {
      if (count() < max) done();
      else refuse(reply, 503, 'Service Unavailable', 'Too many connections');
    },
  ];
}

function refuse(reply: FastifyReply, statusCode: number, error: string, message: string): void {
  void reply.code(statusCode).send({ statusCode, error, message });
}
