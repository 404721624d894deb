// The wire shapes every bench server speaks, and the IPC messages between the harness and
// its children. Shared by the harness, the load generator and the servers.

/** 32 characters: the `s` field of every echo and broadcast payload. */
export const PAYLOAD_S = 'abcdefghijklmnopqrstuvwxyz012345';

/** Path every WebSocket server (except socket.io) serves the echo protocol on. */
export const ECHO_PATH = '/echo';

/** Event name of the frames a server broadcasts on the harness's request. */
export const TICK_EVENT = 'tick';

/** The request frame for one echo: `n` mirrors `id` so the payload is checked too. */
export function echoFrame(id: number): string {
  return `{"event":"echo","data":{"n":${id},"s":"${PAYLOAD_S}"},"id":${id}}`;
}

/** Payload of the `n`-th broadcast. */
export function tickData(n: number): { n: number; s: string } {
  return { n, s: PAYLOAD_S };
}

/** How the load generator talks to a server; `ws-resume` is `ws` on a gateway with session
 * resume: it reads `$session`, acknowledges with `$ack` and can drop and resume. */
export type ClientKind = 'ws' | 'ws-resume' | 'socket.io';

/** A request over IPC: the reply carries the same `rpc` id. */
export interface RpcRequest {
  rpc: number;
  cmd: string;
  args?: Record<string, unknown>;
}

export interface RpcReply {
  rpc: number;
  result?: unknown;
  error?: string;
}

/** First IPC message of a server: it listens and is ready for clients. */
export interface ServerReady {
  ready: true;
  port: number;
}

/** A server's CPU clock, from `process.cpuUsage()`, in microseconds. */
export interface CpuSample {
  userUs: number;
  systemUs: number;
}

/** Totals the load generator returns for an echo run or a mark inside one. */
export interface EchoCounts {
  atNs: number;
  sent: number;
  replies: number;
  mismatches: number;
  cpuUs: number;
}

export function isRpcRequest(message: unknown): message is RpcRequest {
  return typeof message === 'object' && message !== null && 'rpc' in message && 'cmd' in message;
}
