import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { ClusterTimeoutError } from '../errors';
import {
  jsonCopy,
  settle,
  type ClusterAnswer,
  type ClusterLink,
  type ClusterReplies,
  type ClusterRequest,
  type ClusterSelection,
  type GatewayAdapter,
} from './adapter';
import type { Connection } from './connection';
import type { RoomRegistry } from './room-registry';

/** One connection as `fetchAll()` reports it, wherever it is connected. */
export interface RemoteConnection {
  readonly id: string;
  readonly rooms: string[];
  /** A JSON copy of `conn.data` (Dates become strings, `undefined` values are dropped…). */
  readonly data: Record<string, unknown>;
  /** Node id of the process holding the connection. */
  readonly node: string;
}

/** What the cluster part of a runtime needs from it. */
export interface ClusterHost {
  readonly name: string;
  readonly log: FastifyBaseLogger;
  readonly registry: RoomRegistry;
  /** Runs the `@OnServerEvent(event)` handler; undefined when there is none. */
  serverEvent(event: string, data: unknown, from: string): Promise<unknown> | undefined;
  /** Hands a resumable session of this process over to the one its client came back to. */
  handover(token: string, seq: number): unknown;
}

/**
 * One gateway's cluster-wide operations: runs them here, and through the adapter's cluster link
 * (when it has one) on every other process serving the path.
 */
export class GatewayCluster {
  private link: ClusterLink | undefined;
  private unknownLogged = false;
  /** This process's node id: the cluster link's, or without one an id of its own. */
  node = randomBytes(9).toString('base64url');

  constructor(
    private readonly host: ClusterHost,
    readonly timeoutMs: number,
  ) {}

  open(adapter: GatewayAdapter, path: string): void {
    if (adapter.openCluster === undefined) return;
    this.link = adapter.openCluster({
      path,
      log: this.host.log,
      timeoutMs: this.timeoutMs,
      answer: (request, from) => this.answer(request, from),
    });
    this.node = this.link.node;
  }

  async close(): Promise<void> {
    const { link } = this;
    this.link = undefined;
    await link?.close();
  }

  /**
   * Runs `request` on every process serving the path (this one first, when `here`); resolves
   * with every answer, or rejects with a `ClusterTimeoutError` naming the processes that gave none.
   */
  async request(
    request: ClusterRequest,
    operation: string,
    here: boolean,
  ): Promise<ClusterAnswer[]> {
    const remote = this.link?.request(request) ?? Promise.resolve({ answers: [], missing: [] });
    const answers: ClusterAnswer[] = [];
    if (here) answers.push(await settle(this.node, () => this.answer(request, this.node)));
    const replies = await remote;
    answers.push(...replies.answers);
    if (replies.missing.length > 0) {
      throw new ClusterTimeoutError(operation, replies.missing, answers, this.timeoutMs);
    }
    return answers;
  }

  /** Sends `request` to process `node` alone (without a cluster link, no process answers). */
  ask(node: string, request: ClusterRequest): Promise<ClusterReplies> {
    return this.link?.ask?.(node, request) ?? Promise.resolve({ answers: [], missing: [node] });
  }

  /** Runs a request on this process's connections; the value is this process's answer. */
  answer(request: ClusterRequest, from: string): Promise<unknown> {
    if (request.op === 'handover') {
      return Promise.resolve(this.host.handover(request.token, request.seq));
    }
    if (request.op === 'event') {
      const answered = this.host.serverEvent(request.event, request.data, from);
      if (answered !== undefined) return answered;
      if (!this.unknownLogged) {
        this.unknownLogged = true;
        this.host.log.warn(
          { event: request.event, from },
          `${this.host.name}: serverSideEmit("${request.event}") came from another process, but no @OnServerEvent("${request.event}") handler is here; answered with an error (logged once)`,
        );
      }
      return Promise.reject(
        new Error(`${this.host.name} has no @OnServerEvent("${request.event}") handler`),
      );
    }
    const members = this.select(request.selection);
    if (request.op === 'fetch') {
      return Promise.resolve(members.map((conn) => this.describe(conn)));
    }
    if (request.op === 'disconnect') {
      for (const conn of members) conn.close(request.code ?? 1000, request.reason);
    } else {
      for (const conn of members) {
        if (request.op === 'join') conn.join(request.room);
        else conn.leave(request.room);
      }
    }
    return Promise.resolve(members.length);
  }

  private select(selection: ClusterSelection): Connection[] {
    const members: Connection[] = [];
    const all = { payload: '', ...selection };
    this.host.registry.forEachRecipient(all, (conn) => members.push(conn));
    return members;
  }

  private describe(conn: Connection): Omit<RemoteConnection, 'node'> {
    let data: Record<string, unknown>;
    try {
      data = jsonCopy(conn.data) as Record<string, unknown>;
    } catch (error) {
      // One member's odd data must not cost the caller everyone else.
      this.host.log.warn(
        { err: error, connectionId: conn.id },
        `${this.host.name}: conn.data of ${conn.id} cannot become JSON (a BigInt, a cycle?); fetchAll() reports it as {}`,
      );
      data = {};
    }
    return { id: conn.id, rooms: [...conn.rooms], data };
  }
}
