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
  cancel(): void;
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
      // With upstream @fastify/websocket (no start time), the clock starts here.
      const startedAt = upgradeStartedAt(request.raw) ?? Date.now();
      const deadline = new UpgradeDeadline(
        startedAt + connectTimeoutMs,
        request,
        reply,
        deadlines,
        onTimeout,
      );
      if (deadline.at <= Date.now()) {
        deadline.timedOut();
        return;
      }
      deadlines.set(request, deadline);
      // Hooks that all finish in this tick open the socket before this runs: no timer for them.
      process.nextTick(armDeadline, deadline);
      done();
    },
  ];
}

function armDeadline(deadline: UpgradeDeadline): void {
  deadline.arm();
}

/** One upgrade's deadline; its timer is made only if the hooks outlive the tick they began in. */
class UpgradeDeadline implements ConnectDeadline {
  #timer: NodeJS.Timeout | undefined = undefined;
  /** The socket's close listener while the timer runs. */
  #onClose: (() => void) | undefined = undefined;
  /** Cancelled or timed out: nothing left to time. */
  #over = false;

  constructor(
    readonly at: number,
    private readonly request: FastifyRequest,
    private readonly reply: FastifyReply,
    private readonly deadlines: WeakMap<FastifyRequest, ConnectDeadline>,
    private readonly onTimeout: (request: FastifyRequest) => void,
  ) {}

  /** The hooks are still running after their first tick: time them. */
  arm(): void {
    if (this.#over) return;
    // Upstream's injectWS builds a request without a socket.
    const socket = this.request.raw.socket as Socket | undefined;
    // Refused over HTTP, handshake aborted, client gone: nothing left to time.
    if (socket?.destroyed === true) {
      this.cancel();
      return;
    }
    const delay = timerDelay(Math.max(0, this.at - Date.now()));
    this.#timer = setTimeout(() => {
      this.cancel();
      this.timedOut();
    }, delay).unref();
    if (socket !== undefined) {
      this.#onClose = () => this.cancel();
      socket.once('close', this.#onClose);
    }
  }

  cancel(): void {
    this.#over = true;
    // Deleted, not left to the GC: a weak map's table only shrinks on delete.
    this.deadlines.delete(this.request);
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const onClose = this.#onClose;
    if (onClose !== undefined) this.request.raw.socket.removeListener('close', onClose);
  }

  timedOut(): void {
    this.#over = true;
    this.onTimeout(this.request);
    refuse(this.reply, 503, 'Service Unavailable', 'Connection setup timed out');
  }
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
