import type { ClusterAnswer, ClusterRequest, ClusterSelection } from '../gateway/adapter';

/**
 * What travels on a gateway path's cluster channel (heartbeats, goodbyes, requests) and on a
 * process's reply channel (answers). JSON, one object per message, `v` the format version.
 */
export type ClusterMessage =
  | { readonly v: 1; readonly t: 'hb'; readonly n: string }
  | { readonly v: 1; readonly t: 'bye'; readonly n: string }
  | {
      readonly v: 1;
      readonly t: 'req';
      readonly n: string;
      /** Call id, unique per sending node. */
      readonly c: number;
      /** The nodes asked: the live ones the sender knew; others ignore the request. */
      readonly to: readonly string[];
      readonly r: ClusterRequest;
    }
  | { readonly v: 1; readonly t: 'res'; readonly c: number; readonly a: ClusterAnswer };

/** The Redis pub/sub names: one request channel per gateway path, one reply channel per node. */
export function clusterChannels(prefix: string, path: string, node: string) {
  return {
    requests: `{${prefix}:cluster:${path}}`,
    replies: (to: string) => `{${prefix}:node:${to}}`,
    own: `{${prefix}:node:${node}}`,
  };
}

/** Reads a cluster message; anything else (another app, a version, garbage) gives undefined. */
export function decodeClusterMessage(text: string): ClusterMessage | undefined {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(message) || message.v !== 1) return undefined;
  switch (message.t) {
    case 'hb':
    case 'bye':
      return isNode(message.n) ? (message as ClusterMessage) : undefined;
    case 'req':
      return isNode(message.n) &&
        isCallId(message.c) &&
        isStrings(message.to) &&
        isRequest(message.r)
        ? (message as ClusterMessage)
        : undefined;
    case 'res':
      return isCallId(message.c) && isAnswer(message.a) ? (message as ClusterMessage) : undefined;
    default:
      return undefined;
  }
}

function isRequest(value: unknown): value is ClusterRequest {
  if (!isObject(value)) return false;
  switch (value.op) {
    case 'event':
      return isNode(value.event);
    case 'fetch':
      return isSelection(value.selection);
    case 'join':
    case 'leave':
      return isSelection(value.selection) && isNode(value.room);
    case 'handover':
      return isNode(value.token) && Number.isSafeInteger(value.seq);
    case 'disconnect':
      return (
        isSelection(value.selection) &&
        (value.code === undefined || Number.isInteger(value.code)) &&
        (value.reason === undefined || typeof value.reason === 'string')
      );
    default:
      return false;
  }
}

function isSelection(value: unknown): value is ClusterSelection {
  return (
    isObject(value) &&
    isStrings(value.rooms) &&
    isStrings(value.exceptRooms) &&
    isStrings(value.exceptIds)
  );
}

function isAnswer(value: unknown): value is ClusterAnswer {
  if (!isObject(value) || !isNode(value.node)) return false;
  if (value.ok === true) return true;
  return (
    value.ok === false &&
    isObject(value.error) &&
    typeof value.error.name === 'string' &&
    typeof value.error.message === 'string'
  );
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNode(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isCallId(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
