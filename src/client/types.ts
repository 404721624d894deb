/**
 * Compile-time typing of a protocol: `connect<ChatEvents>(url)` checks event names, request
 * data, reply data and pushed data. Types only.
 *
 * @example
 * interface ChatEvents {
 *   say: { request: { text: string }; reply: { ok: true } };
 *   said: { push: { user: string; text: string; at: string } };
 * }
 */
import type { ErrorFrameData } from './frames';
import type { WsClientError } from './ws-client-error';
import type { SessionInfo } from './resume-state';

/** One event: what the client sends (`request`), what the server answers (`reply`), what it pushes (`push`). */
export interface EventSpec {
  readonly request?: unknown;
  readonly reply?: unknown;
  readonly push?: unknown;
}

/** The protocol when no `Events` type is given: any event, any data. */
export interface UntypedEvents {
  [event: string]: { request: any; reply: any; push: any };
}

/** Events the client may send: those whose spec has `request`. */
export type RequestEvent<E> = {
  [K in keyof E]: E[K] extends { request: unknown } ? K : never;
}[keyof E] &
  string;

/** Events the server pushes: those whose spec has `push`. */
export type PushEvent<E> = { [K in keyof E]: E[K] extends { push: unknown } ? K : never }[keyof E] &
  string;

export type RequestData<E, K extends keyof E> = E[K] extends { request: infer T } ? T : never;
export type ReplyData<E, K extends keyof E> = E[K] extends { reply: infer T } ? T : unknown;
export type PushData<E, K extends keyof E> = E[K] extends { push: infer T } ? T : never;

/** `data` may be left out when the request type accepts `undefined` (or is `void`). */
export type DataArgs<T> = undefined extends T ? [data?: T] : [data: T];

/** Payload of the `close` state event. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  /** True when a reconnect is scheduled (a `reconnecting` event follows). */
  readonly willReconnect: boolean;
}

/** Payload of the `reconnecting` state event. */
export interface ReconnectingInfo {
  /** 1 for the first attempt after a drop; reset by every successful open. */
  readonly attempt: number;
  /** How long the client waits before this attempt. */
  readonly delayMs: number;
}

/** Events the client itself emits; these names are reserved (pushes with these names are not delivered). */
export interface StateEvents {
  open: undefined;
  close: CloseInfo;
  reconnecting: ReconnectingInfo;
  /** An error frame without id, or a frame the client could not read. */
  error: WsClientError;
  /** The server announced (or resumed) the session: see `client.session`. `$` names are the protocol's. */
  $session: SessionInfo;
}

export type ListenEvent<E> = keyof StateEvents | PushEvent<E>;
export type ListenData<E, K> = K extends keyof StateEvents
  ? StateEvents[K]
  : K extends keyof E
    ? PushData<E, K>
    : never;

/** Frames the test kit's `next()` can wait for: pushes, and `error` frames (their raw data). */
export type NextEvent<E> = PushEvent<E> | 'error';
export type NextData<E, K> = K extends 'error'
  ? ErrorFrameData
  : K extends keyof E
    ? PushData<E, K>
    : never;
