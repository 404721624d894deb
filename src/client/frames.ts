/**
 * The wire format as the client sees it: encoding `{ event, data, id? }` and reading the
 * server's replies, error frames and pushes. JSON only (the gateway's default codec).
 */
import { ClientErrorCode, WsClientError } from './ws-client-error';

export type FrameId = string | number;

/** A frame from the server: a reply (`id` of the request), an error (`event: 'error'`) or a push. */
export interface ServerFrame {
  readonly event: string;
  readonly data: unknown;
  readonly id?: FrameId;
}

/** The `data` of an error frame. */
export interface ErrorFrameData {
  readonly code: string;
  readonly message: string;
  readonly details?: unknown;
}

/** Encodes a client frame; `id` is left out for fire-and-forget frames. */
export function encodeFrame(event: string, data: unknown, id?: FrameId): string {
  return JSON.stringify(id === undefined ? { event, data } : { event, data, id });
}

/** Reads a server message; undefined for anything but a JSON object with a string `event`. */
export function decodeFrame(message: unknown): ServerFrame | undefined {
  if (typeof message !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const frame = value as Record<string, unknown>;
  if (typeof frame.event !== 'string') return undefined;
  const id = typeof frame.id === 'string' || typeof frame.id === 'number' ? frame.id : undefined;
  return id === undefined
    ? { event: frame.event, data: frame.data }
    : { event: frame.event, data: frame.data, id };
}

/** Turns an error frame's `data` into the error a request rejects with. */
export function errorFromFrame(data: unknown): WsClientError {
  const payload = (
    typeof data === 'object' && data !== null ? data : {}
  ) as Partial<ErrorFrameData>;
  const code = typeof payload.code === 'string' ? payload.code : 'unknown_error';
  const message = typeof payload.message === 'string' ? payload.message : code;
  return new WsClientError(code, message, payload.details);
}

/** The error reported when the server sends a frame the client cannot read. */
export function unreadableFrameError(): WsClientError {
  return new WsClientError(
    ClientErrorCode.UnreadableFrame,
    'The server sent a frame that is not a JSON object with a string "event"; it was ignored',
  );
}
