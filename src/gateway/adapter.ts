import type { FastifyBaseLogger } from 'fastify';

/**
 * One emit, encoded once: the bytes every recipient gets, and who the recipients are.
 * Rooms are matched against each process's own membership at delivery time.
 */
export interface Broadcast {
  /** The encoded server frame `{ event, data }`, exactly as written to each socket. */
  readonly payload: string | Buffer;
  /** Deliver only to connections in at least one of these rooms; empty means every connection. */
  readonly rooms: readonly string[];
  /** Skip connections in any of these rooms. */
  readonly exceptRooms: readonly string[];
  /** Skip connections with these ids (ids are unique across processes). */
  readonly exceptIds: readonly string[];
}

/** What the runtime gives an adapter for one gateway route of one app. */
export interface AdapterChannel {
  /** The gateway's full route pattern, prefix included (e.g. `/rooms/:room`): processes serving the same path share broadcasts. */
  readonly path: string;
  /** The app's logger. */
  readonly log: FastifyBaseLogger;
  /** Delivers a broadcast that came from another process to this process's matching connections. */
  deliver(broadcast: Broadcast): void;
}

/** The adapter's side of one channel: where the runtime sends broadcasts made in this process. */
export interface AdapterLink {
  /**
   * Called after the runtime delivered `broadcast` locally: forward it to the other processes.
   * Must not throw and must not block on the transport.
   */
  publish(broadcast: Broadcast): void;
  /**
   * Called when the first connection of this process joins `room`: from now on the process wants
   * the room's broadcasts. Optional: an adapter that moves every broadcast everywhere ignores it.
   */
  roomAdded?(room: string): void;
  /** Called when the last connection of this process leaves `room` (or closes). Optional. */
  roomRemoved?(room: string): void;
  /** Called on `app.close()`: stop listening and release timers (not the user's clients). */
  close(): Promise<void>;
  /**
   * Optional: a store shared by the processes, so a resumable session can be resumed on any of
   * them (see docs/session-resume.md). Called once, at start, on gateways with `resume`.
   */
  openSessions?(options: SharedSessionOptions): SharedSessions;
}

/** How a gateway keeps its sessions in a shared store. */
export interface SharedSessionOptions {
  /** This process's node id (the cluster link's): who to ask for a session it holds. */
  readonly node: string;
  /** `maxDisconnectionMs` of the gateway: what is written lives about this long after its last write. */
  readonly maxDisconnectionMs: number;
}

/** What a session is, as another process can adopt it when the one holding it is gone. */
export interface SessionRecord {
  readonly id: string;
  /** `JSON.stringify` of the principal `identify` returned (undefined without one; null when it has no JSON form). */
  readonly principal: string | null | undefined;
  readonly rooms: readonly string[];
  /** A JSON copy of `conn.data`. */
  readonly data: Record<string, unknown>;
}

/** A token claimed in the shared store: the process that held the session, and its record. */
export interface ClaimedSession {
  readonly node: string;
  readonly record: SessionRecord;
  /** Where the session's broadcasts stood when the record was written (opaque to the runtime). */
  readonly mark: unknown;
}

/**
 * A store of session records shared by every process serving a gateway path. Tokens are kept
 * by hash only; a claim takes one atomically, so it resumes at most one session cluster-wide.
 */
export interface SharedSessions {
  /** Files a session of this process under `tokenHash`; `record()` is read whenever it is written. */
  keep(tokenHash: string, record: () => SessionRecord): void;
  /** The session under `tokenHash` changed (rooms, data, a drop): write it again soon. */
  touch(tokenHash: string): void;
  /** The token was replaced, or the session ended: remove it. */
  drop(tokenHash: string): void;
  /** Takes the token cluster-wide; undefined when unknown, expired, already used or unreachable. */
  claim(tokenHash: string): Promise<ClaimedSession | undefined>;
  /** Where the broadcasts of `rooms` stand for a session of this process now (for a handover). */
  mark(rooms: readonly string[]): unknown;
  /** Whether every broadcast of `rooms` after `mark` is still in Redis (checked before adopting). */
  complete(mark: unknown, rooms: readonly string[]): Promise<boolean>;
  /**
   * For a session just adopted here (already in `rooms`): the broadcasts of its rooms after
   * `mark` that it has not had, in order; rejects when they are no longer all there.
   */
  missed(mark: unknown, rooms: readonly string[]): Promise<Broadcast[]>;
}

/**
 * Carries broadcasts between processes serving the same gateway path. Local delivery is the
 * runtime's job; an adapter only moves broadcasts to and from the other processes.
 */
export interface GatewayAdapter extends ClusterAdapter {
  /** Called once per gateway route when the app starts. */
  open(channel: AdapterChannel): AdapterLink;
}

/** Which connections a cluster-wide operation acts on: the same selection as a broadcast's. */
export interface ClusterSelection {
  readonly rooms: readonly string[];
  readonly exceptRooms: readonly string[];
  readonly exceptIds: readonly string[];
}

/** One cluster-wide operation, as it travels to every process serving a gateway path (as JSON). */
export type ClusterRequest =
  | { readonly op: 'fetch'; readonly selection: ClusterSelection }
  | { readonly op: 'join' | 'leave'; readonly selection: ClusterSelection; readonly room: string }
  | {
      readonly op: 'disconnect';
      readonly selection: ClusterSelection;
      readonly code?: number;
      readonly reason?: string;
    }
  | { readonly op: 'event'; readonly event: string; readonly data?: unknown }
  /** Asks the process holding a resumable session to hand it over (see `SessionHandover`). */
  | { readonly op: 'handover'; readonly token: string; readonly seq: number };

/** One process's answer to a cluster request: its value, or the error its handler threw. */
export type ClusterAnswer<T = unknown> =
  | { readonly node: string; readonly ok: true; readonly value: T }
  | { readonly node: string; readonly ok: false; readonly error: ClusterErrorInfo };

/** An error, as it crosses processes: its name and message only. */
export interface ClusterErrorInfo {
  readonly name: string;
  readonly message: string;
}

/** What a cluster request came back with: the answers, and the processes that gave none in time. */
export interface ClusterReplies {
  readonly answers: readonly ClusterAnswer[];
  /** Node ids of the live processes that did not answer within `timeoutMs`. */
  readonly missing: readonly string[];
}

/** What the runtime gives an adapter for the cluster-wide operations of one gateway route. */
export interface ClusterChannel {
  readonly path: string;
  readonly log: FastifyBaseLogger;
  /** `clusterTimeoutMs`: how long a request waits for the other processes. */
  readonly timeoutMs: number;
  /** Runs a request that came from process `from` here; the resolved value is this process's answer. */
  answer(request: ClusterRequest, from: string): Promise<unknown>;
}

/** The adapter's side of the cluster-wide operations of one gateway route. */
export interface ClusterLink {
  /** This process's node id for the route: random, never reused. */
  readonly node: string;
  /**
   * Sends `request` to every other live process serving the path; resolves with their answers
   * once all answered, or after `timeoutMs` with the ones missing named. Never rejects.
   */
  request(request: ClusterRequest): Promise<ClusterReplies>;
  /** Sends `request` to process `node` only; its answer is missing when it is not alive or too slow. */
  ask?(node: string, request: ClusterRequest): Promise<ClusterReplies>;
  /** Called on `app.close()`: stop answering and release timers. */
  close(): Promise<void>;
}

/**
 * The optional cluster-request part of an adapter. An adapter without it makes every cluster
 * operation act on this process alone.
 */
export interface ClusterAdapter {
  openCluster?(channel: ClusterChannel): ClusterLink;
}

// Helpers for adapters: answers are made and copied the same way in every adapter.

/** A JSON round trip, as values cross processes; `undefined` stays `undefined`. */
export function jsonCopy(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** Runs `run` and gives its outcome as one process's answer, JSON-copied like a remote one. */
export async function settle(node: string, run: () => Promise<unknown>): Promise<ClusterAnswer> {
  try {
    return { node, ok: true, value: jsonCopy(await run()) };
  } catch (error) {
    return { node, ok: false, error: errorInfo(error) };
  }
}

/** An error as it crosses processes: name and message. */
export function errorInfo(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
