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
  /** The raw `ws` socket, for what the kit does not wrap (binary frames, ping…). */
  readonly socket: WebSocket;
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
  const inbox = new FrameInbox();
  const contract = new ContractCheck();
  let resolveClosed!: (result: CloseResult) => void;
  const closed = new Promise<CloseResult>((resolve) => (resolveClosed = resolve));

  // Upgrades are routed through Fastify's router, which exists only once the app is ready.
  await app.ready();
  const socket = await app.injectWS(
    withQuery(path, options.query),
    { headers: options.headers ?? {}, ...contract.probe() },
    {
      // Listeners go on before the upgrade, so frames sent right after open are kept.
      onInit(ws) {
        ws.on('message', (data, isBinary) => {
          routeFrame(isBinary ? data : data.toString(), requests, {
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
      },
    },
  );

  const send = (event: string, data: unknown, id?: number): boolean => {
    if (socket.readyState !== OPEN) return false;
    socket.send(encodeFrame(event, data, id));
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
    socket,
  };
}

function withQuery(path: string, query: ConnectGatewayOptions['query']): string {
  if (!query) return path;
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) search.append(key, String(value));
  return `${path}${path.includes('?') ? '&' : '?'}${search}`;
}
