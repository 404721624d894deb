/**
 * `connectGateway()`: a protocol client on top of `app.injectWS`, for tests. It shares the
 * client's frame handling and `WsClientError`, and needs no port.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type {} from '..';
import { encodeFrame, type ErrorFrameData } from '../client/frames';
import { PendingRequests, routeFrame } from '../client/pending-requests';
import { ResumeState, type SessionInfo } from '../client/resume-state';
import type {
  DataArgs,
  NextData,
  NextEvent,
  ReplyData,
  RequestData,
  RequestEvent,
  UntypedEvents,
} from '../client/types';
import { ClientErrorCode, WsClientError } from '../client/ws-client-error';
import { FrameInbox, type CloseResult } from './frame-inbox';
import { ContractCheck } from './contract-check';

/** Options of `connectGateway(app, path, options)`. */
export interface ConnectGatewayOptions {
  /** Headers of the upgrade request (authorization, origin, cookies…). */
  readonly headers?: IncomingHttpHeaders;
  /** Query string parameters appended to `path`. */
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  /** How long `request` waits for its reply. Default 10000. */
  readonly requestTimeoutMs?: number;
}

/**
 * A connection to a gateway in a test. When the gateway declares any `@Emits`, a frame of an
 * event it does not declare fails the test: pending and later `next()` and `request()` reject,
 * `emit()` throws and `close()` rejects, all with an `UndeclaredEventError` naming the event.
 */
export interface GatewayTestClient<E = UntypedEvents> {
  /** Sends `event` with an id; resolves with the reply's `data`, rejects with `WsClientError`. */
  request<K extends RequestEvent<E>>(
    event: K,
    ...data: DataArgs<RequestData<E, K>>
  ): Promise<ReplyData<E, K>>;
  /** Sends `event` without id: fire and forget. */
  emit<K extends RequestEvent<E>>(event: K, ...data: DataArgs<RequestData<E, K>>): void;
  /**
   * The `data` of the oldest unread frame of `event` (including frames that arrived before
   * the call); `next('error')` gives error frames without id as `{ code, message, details }`.
   */
  next<K extends NextEvent<E>>(event: K): Promise<NextData<E, K>>;
  /** Closes the socket (default code 1000) and resolves once it is closed. */
  close(code?: number, reason?: string): Promise<CloseResult>;
  /** Resolves with the close code and reason, whoever closed. */
  readonly closed: Promise<CloseResult>;
  /** The raw `ws` socket, for what the kit does not wrap (binary frames, ping…); `resume()` replaces it. */
  readonly socket: WebSocket;
  /** The gateway's session (gateways with `resume`), once its `$session` frame arrived. */
  readonly session: SessionInfo | null;
  /**
   * Cuts the connection as a network drop does (no close frame): the server keeps the session
   * for `maxDisconnectionMs`. Requests in flight stay pending. Resolves once the socket is gone.
   */
  drop(): Promise<void>;
  /**
   * Reconnects after `drop()` and resumes the session: missed frames arrive, requests in flight
   * are re-sent. Resolves with the new `session` (`resumed: false` when the server refused).
   */
  resume(): Promise<SessionInfo>;
}

const OPEN = 1;

/**
 * Connects to a gateway route through `app.injectWS`, every Fastify hook included; readies
 * the app first. A refused upgrade rejects with the plain Error ("Unexpected server response: 401").
 *
 * @example
 * const client = await connectGateway<ChatEvents>(app, '/chat/lobby', { query: { name: 'ada' } });
 * await client.request('say', { text: 'hi' });
 * expect(await client.next('said')).toMatchObject({ user: 'ada', text: 'hi' });
 * await client.close();
 */
export async function connectGateway<E = UntypedEvents>(
  app: FastifyInstance,
  path: string,
  options: ConnectGatewayOptions = {},
): Promise<GatewayTestClient<E>> {
  const requests = new PendingRequests(options.requestTimeoutMs ?? 10_000);
  const resume = new ResumeState();
  /** Requests sent and not answered, re-sent by a resume. */
  const sent = new Map<number, string>();
  let dropping: WebSocket | undefined;
  let onSession: ((info: SessionInfo) => void) | undefined;
  const inbox = new FrameInbox();
  const contract = new ContractCheck();
  let resolveClosed!: (result: CloseResult) => void;
  const closed = new Promise<CloseResult>((resolve) => (resolveClosed = resolve));

  // Upgrades are routed through Fastify's router, which exists only once the app is ready.
  await app.ready();
  const upgrade = (url: string, first?: string): Promise<WebSocket> =>
    app.injectWS(
      url,
      { headers: options.headers ?? {}, ...contract.probe() },
      {
        // Listeners go on before the upgrade, so frames sent right after open are kept.
        onInit: listen,
        onOpen: (ws) => {
          if (first !== undefined) ws.send(first);
        },
      },
    );
  function listen(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? data : data.toString();
      const step = resume.receive(text);
      if (step === 'ack') ws.send(resume.ackFrame());
      else if (step !== undefined) return sessionBegan(ws, step.resumed);
      routeFrame(text, requests, {
        push: (event, payload) => {
          const undeclared = contract.check(event);
          if (undeclared) inbox.fail(undeclared);
          else inbox.deliver(event, payload);
        },
        unreadable: () =>
          inbox.deliver('error', {
            code: ClientErrorCode.UnreadableFrame,
            message: 'The server sent a frame that is not a JSON object with a string "event"',
          } satisfies ErrorFrameData),
      });
    });
    ws.on('close', (code, reason) => {
      if (ws === dropping) return;
      const result = { code, reason: reason.toString() };
      requests.failAll(
        (event) =>
          new WsClientError(
            ClientErrorCode.NotConnected,
            `The connection closed (code ${code}) before the reply to "${event}" arrived`,
          ),
      );
      inbox.end(result);
      resolveClosed(result);
    });
    // The close event that follows a socket error carries what a test needs.
    ws.on('error', () => {});
  }
  let socket = await upgrade(withQuery(path, options.query));

  function sessionBegan(ws: WebSocket, resumed: boolean): void {
    for (const [id, text] of [...sent]) {
      if (!requests.has(id)) sent.delete(id);
      else if (resumed) ws.send(text);
      else if (dropping !== undefined) {
        sent.delete(id);
        requests.fail(
          id,
          new WsClientError(
            ClientErrorCode.NotConnected,
            `The session was not resumed before the reply to "${requests.eventOf(id)}" arrived`,
          ),
        );
      }
    }
    dropping = undefined;
    onSession?.(resume.session!);
  }

  const send = (event: string, data: unknown, id?: number): boolean => {
    if (socket.readyState !== OPEN) return false;
    const text = encodeFrame(event, data, id);
    socket.send(text);
    if (id !== undefined) sent.set(id, text);
    return true;
  };
  const notOpen = (event: string): WsClientError =>
    new WsClientError(
      ClientErrorCode.NotConnected,
      `Cannot send "${event}": the test connection is closed`,
    );

  return {
    request(event, ...[data]) {
      if (inbox.failure) return Promise.reject(inbox.failure);
      const { id, reply } = requests.open(event);
      if (!send(event, data, id)) requests.fail(id, notOpen(event));
      return reply as Promise<never>;
    },
    emit(event, ...[data]) {
      if (inbox.failure) throw inbox.failure;
      if (!send(event, data)) throw notOpen(event);
    },
    next: (event) => inbox.next(event) as Promise<never>,
    close(code = 1000, reason = '') {
      if (socket.readyState === OPEN) socket.close(code, reason);
      // A test that ends by closing still fails when the gateway broke its declared contract.
      return closed.then((result) => (inbox.failure ? Promise.reject(inbox.failure) : result));
    },
    closed,
    get socket() {
      return socket;
    },
    get session() {
      return resume.session;
    },
    drop() {
      const gone = socket;
      dropping = gone;
      if (gone.readyState === 3) return Promise.resolve();
      const done = new Promise<void>((resolve) => gone.once('close', () => resolve()));
      gone.terminate();
      return done;
    },
    async resume() {
      if (dropping === undefined || !resume.resumable) {
        throw new Error('resume() needs a drop() first, on a gateway with the resume option');
      }
      const began = new Promise<SessionInfo>((resolve) => (onSession = resolve));
      socket = await upgrade(
        resume.resumeUrl(withQuery(path, options.query)),
        resume.resumeFrame(),
      );
      return began;
    },
  };
}

function withQuery(path: string, query: ConnectGatewayOptions['query']): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) search.append(key, String(value));
  return `${path}${path.includes('?') ? '&' : '?'}${search}`;
}
