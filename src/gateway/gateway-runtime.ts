import type { ValidatorOptions } from 'class-validator';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Constructor, GatewayDefinition, HandlerDefinition } from '../definition';
import { WireErrorCode } from '../errors';
import type {
  AdapterLink,
  Broadcast,
  ClusterAnswer,
  ClusterReplies,
  ClusterRequest,
  GatewayAdapter,
} from './adapter';
import type { Codec, OutboundFrame } from './codec';
import { compileHandler, type CompiledHandler, type GlobalEnhancers } from './compiled-handler';
import { Connection, kResume, type ConnectionHost } from './connection';
import { ConnectionSession } from './connection-session';
import {
  createGatewayContainer,
  resolveForConnection,
  resolveSingleton,
  type GatewayContainer,
} from './container';
import { GatewayCluster, type ClusterHost } from './gateway-cluster';
import { GatewayServer, type BroadcastTarget } from './gateway-server';
import { HeartbeatSweep } from './heartbeat-sweep';
import type { MessageObserver } from './observer';
import type { AppContainer } from './providers';
import { ABUSE_WINDOW_MS, type Limits } from './limits';
import { serverFrame } from './internals/ws';
import { wireErrorFrame, writePayload } from './outbound';
import { RateLimiter } from './rate-limiter';
import { RoomRegistry } from './room-registry';
import { sessionOf } from './session-listeners';
import { timerDelay } from './timer-delay';
import { reportContract } from './contract-probe';
import type { ResolvedResume } from './resume-options';
import { readResumeClaim, ResumeGate, type ResumeMatch } from './resume-gate';
import { handOver, recordOf, resumeShared, type SharedResumeHost } from './resume-shared';
import { listenTo } from './session-listeners';
import type { ConnectDeadline } from './upgrade-admission';

/** Everything one gateway's runtime is built from, resolved by `bootstrap()`. */
export interface GatewayRuntimeOptions {
  readonly definition: GatewayDefinition;
  readonly limits: Readonly<Limits>;
  readonly codec: Codec;
  readonly validator: ValidatorOptions | undefined;
  /** The app's container (providers); the gateway gets a child of it. */
  readonly app: AppContainer;
  /** Guards, interceptors and filters of `bootstrap()`, already built. */
  readonly global: GlobalEnhancers;
  readonly observer: MessageObserver | undefined;
  readonly log: FastifyBaseLogger;
  /** Session resume settings; undefined when resume is off. */
  readonly resume?: ResolvedResume;
  /** How long a cluster-wide operation waits for the other processes. */
  readonly clusterTimeoutMs: number;
}

/**
 * One gateway in one app: its compiled handlers, connections, rooms, broadcaster, adapter
 * link and shutdown drain. Connections share it; per-connection state lives in the session.
 */
export class GatewayRuntime
  implements ConnectionHost, BroadcastTarget, SharedResumeHost, ClusterHost
{
  readonly name: string;
  readonly definition: GatewayDefinition;
  readonly limits: Readonly<Limits>;
  readonly codec: Codec;
  readonly log: FastifyBaseLogger;
  readonly registry = new RoomRegistry();
  readonly heartbeat: HeartbeatSweep;
  readonly server: GatewayServer;
  readonly messages = new Map<string, CompiledHandler>();
  readonly onConnect: readonly CompiledHandler[];
  readonly onClose: readonly CompiledHandler[];
  readonly observer: MessageObserver | undefined;
  /** Whether connections keep their upgrade request after `@OnConnect`. */
  readonly keepRequest: boolean;
  /** Each upgrade's connect deadline, from its first route hook until the socket opens. */
  readonly deadlines = new WeakMap<FastifyRequest, ConnectDeadline>();
  /** Set by the drain on shutdown: frames are no longer handled. */
  draining = false;
  /** Async handlers (and `@OnConnect`s) running, over all connections. */
  pending = 0;
  private readonly scope: GatewayContainer;
  private readonly connectionScoped: boolean;
  private instance: object | undefined;
  private link: AdapterLink | undefined;
  private readonly cluster: GatewayCluster;
  private onIdle: (() => void) | undefined;
  /** Set on gateways with `resume`. */
  readonly resumeGate: ResumeGate | undefined;

  constructor(options: GatewayRuntimeOptions) {
    const { definition, validator } = options;
    this.definition = definition;
    this.name = definition.name;
    this.limits = options.limits;
    this.codec = options.codec;
    this.log = options.log;
    this.keepRequest = definition.usesRequest;
    this.connectionScoped = definition.options.scope === 'connection';
    this.observer = options.observer;
    this.server = new GatewayServer(this);
    this.scope = createGatewayContainer(options.app.container, definition, this.server);
    const { app } = options;
    app.checkClass(definition.target, this.scope.container);
    const source = {
      resolve: (target: Constructor) => app.resolve(target, this.scope.container),
      global: options.global,
    };
    const compile = (handler: HandlerDefinition) =>
      compileHandler(definition, handler, validator, source);
    for (const [event, handler] of definition.messages) this.messages.set(event, compile(handler));
    this.onConnect = definition.onConnect.map(compile);
    this.onClose = definition.onClose.map(compile);
    this.heartbeat = new HeartbeatSweep(
      this.limits.pingIntervalMs,
      this.limits.pongTimeoutMs,
      () => sessionsOf(this.registry.connections),
      (member) => {
        this.log.debug(`${this.name}: a connection missed its pong, terminating`);
        member.connection.socket.terminate();
      },
    );
    this.cluster = new GatewayCluster(this, options.clusterTimeoutMs);
    this.resumeGate = options.resume === undefined ? undefined : new ResumeGate(options.resume);
  }

  /** The singleton gateway instance, once started (for `onReady` / `onClose`). */
  get singleton(): object | undefined {
    return this.instance;
  }

  /** At `ready()`: builds a singleton gateway (then its `afterInit(server)`) and opens the adapter channel for `path`. */
  async start(adapter: GatewayAdapter, path: string): Promise<void> {
    if (!this.connectionScoped) {
      this.instance = resolveSingleton(this.scope, this.definition);
      const { afterInit } = this.instance as { afterInit?: unknown };
      if (typeof afterInit === 'function') await afterInit.call(this.instance, this.server);
    }
    this.link = adapter.open({ path, log: this.log, deliver: (b) => this.deliver(b) });
    this.registry.watch(this.link);
    this.cluster.open(adapter, path);
    const gate = this.resumeGate;
    if (gate !== undefined && this.link.openSessions !== undefined) {
      const { maxDisconnectionMs } = gate.options;
      gate.share(this.link.openSessions({ node: this.node, maxDisconnectionMs }), recordOf);
    }
  }

  /** This process's node id on the cluster bus. */
  get node(): string {
    return this.cluster.node;
  }

  ask(node: string, request: ClusterRequest): Promise<ClusterReplies> {
    return this.cluster.ask(node, request);
  }

  /**
   * Another process asks for a session of this one its client came back to there. (Asked on a
   * gateway without `resume`, this throws: the asker gets an error answer, so a fresh connection.)
   */
  handover(token: string, seq: number): unknown {
    return handOver(this, this.resumeGate!, token, seq);
  }

  /** The websocket route handler: runs in the tick the socket opened. */
  accept(socket: WebSocket, request: FastifyRequest): void {
    const deadline = this.deadlines.get(request);
    deadline?.cancel();
    reportContract(request.raw, this.definition);
    const deadlineAt = deadline?.at ?? Infinity;
    const query = copyRecord(request.query);
    const gate = this.resumeGate;
    if (gate?.announced(query) === true) {
      const principal = gate.identify(request);
      // The `$resume` frame is part of the upgrade: it must come within the connect budget.
      const wait = deadline === undefined ? this.limits.connectTimeoutMs : deadline.at - Date.now();
      readResumeClaim(socket, wait, (claim) => {
        const match = gate.match(claim, principal);
        if (match !== undefined) this.resumeInto(match, socket, request);
        else if (claim !== undefined && gate.shared !== undefined) {
          // Not here: perhaps on another process (an async lookup, the socket paused meanwhile).
          void resumeShared(this, gate, claim, { socket, request, query, principal, deadlineAt });
        } else this.open(socket, request, query, principal, deadlineAt);
      });
      return;
    }
    this.open(socket, request, query, gate?.identify(request), deadlineAt);
  }

  /** Starts a fresh connection (and, on gateways with `resume`, its session). */
  open(
    socket: WebSocket,
    request: FastifyRequest,
    query: Record<string, unknown>,
    principal: unknown,
    deadlineAt: number,
  ): void {
    const gate = this.resumeGate;
    const connection = this.connectionFor(socket, request, query);
    const session = new ConnectionSession(this, connection, request.id);
    if (gate !== undefined) {
      const resume = gate.create(connection.id, principal, session);
      session.resume = resume;
      connection[kResume] = resume;
      this.writeUnnumbered(socket, gate.sessionFrame(resume, false), connection.id);
    }
    session.start(request, deadlineAt);
  }

  /** Moves a waiting (or still open) session onto `socket` and replays what the client missed. */
  private resumeInto(
    { session: resume, seq }: ResumeMatch,
    socket: WebSocket,
    request: FastifyRequest,
  ): void {
    const session = resume.owner as ConnectionSession;
    const { connection } = session;
    if (!resume.parked) {
      // The old socket is dead but not yet noticed: its close event must not end the session.
      resume.staleCloses++;
      connection.socket.terminate();
    }
    const missed = resume.resume(seq);
    connection.socket = socket;
    resume.resumed = true;
    if (this.keepRequest) session.request = request;
    session.pingRound = 0;
    listenTo(socket, session);
    this.heartbeat.delete(session);
    this.heartbeat.add(session);
    this.writeUnnumbered(socket, this.resumeGate!.sessionFrame(resume, true), connection.id);
    for (const payload of missed) this.writeSocket(socket, payload);
  }

  connectionFor(
    socket: WebSocket,
    request: FastifyRequest,
    query: Record<string, unknown>,
    id?: string,
  ): Connection {
    const params = copyRecord(request.params) as Record<string, string>;
    return new Connection(this, socket, params, query, this.pickHeaders(request), id);
  }

  writeUnnumbered(socket: WebSocket, frame: OutboundFrame, connectionId: string): void {
    const payload = this.encode(frame, { id: connectionId });
    /* c8 ignore next -- the $session frame is plain JSON-safe data every codec encodes */
    if (payload !== undefined) this.writeSocket(socket, payload);
  }

  /** The upgrade's hooks outlived `connectTimeoutMs`: it is answered 503 (a server fault). */
  setupTimedOut(request: FastifyRequest): void {
    this.log.error(
      { reqId: request.id },
      `${this.name}: the upgrade's hooks did not finish within connectTimeoutMs (${this.limits.connectTimeoutMs} ms); answering 503`,
    );
  }

  /** The gateway instance serving `connection`: the singleton, or a fresh connection-scoped one. */
  instanceFor(connection: Connection, request: FastifyRequest): object | undefined {
    if (!this.connectionScoped) return this.instance;
    return resolveForConnection(this.scope, this.definition, connection, request);
  }

  createRateLimiter(): RateLimiter | null {
    const { rateBurst, ratePerSecond } = this.limits;
    return ratePerSecond === Infinity
      ? null
      : new RateLimiter(rateBurst, ratePerSecond, ABUSE_WINDOW_MS);
  }

  send(connection: Connection, frame: OutboundFrame): void {
    let payload = this.encode(frame, connection);
    // A reply that cannot be encoded still owes its request one frame.
    if (payload === undefined && frame.id !== undefined) {
      payload = this.encode(wireErrorFrame(WireErrorCode.InternalError, frame.id), connection);
    }
    if (payload === undefined) return;
    this.write(connection, payload);
    if (frame.id !== undefined) connection[kResume]?.replied(frame.id);
  }

  close(connection: Connection, code: number, reason: string): void {
    sessionOf(connection.socket)!.requestClose(code, reason);
  }

  joinRoom(connection: Connection, room: string): void {
    this.registry.join(connection, room);
    connection[kResume]?.touched();
  }

  leaveRoom(connection: Connection, room: string): void {
    this.registry.leave(connection, room);
    connection[kResume]?.touched();
  }

  /** Encodes once, delivers here, then hands the same bytes to the adapter for other processes. */
  broadcast(
    event: string,
    data: unknown,
    rooms: readonly string[],
    exceptRooms: readonly string[],
    exceptIds: readonly string[],
  ): void {
    const payload = this.encode({ event, data }, undefined);
    if (payload === undefined) return;
    const broadcast: Broadcast = { payload, rooms, exceptRooms, exceptIds };
    this.deliver(broadcast);
    try {
      this.link?.publish(broadcast);
    } catch (error) {
      this.log.error(
        { err: error, event },
        `${this.name}: the adapter failed to publish "${event}"`,
      );
    }
  }

  fetchConnections(room?: string): Connection[] {
    return this.registry.members(room);
  }

  clusterRequest(
    request: ClusterRequest,
    operation: string,
    here: boolean,
  ): Promise<ClusterAnswer[]> {
    return this.cluster.request(request, operation, here);
  }

  /** Runs the `@OnServerEvent(event)` handler on the singleton instance, if there is one. */
  serverEvent(event: string, data: unknown, from: string): Promise<unknown> | undefined {
    const member = this.definition.serverEvents.get(event);
    if (member === undefined) return undefined;
    const instance = this.instance as Record<string, (...args: unknown[]) => unknown>;
    return new Promise((resolve) => resolve(instance[member](data, from)));
  }

  /** Called when an async handler settles; ends a waiting drain when none is left. */
  settled(): void {
    if (--this.pending === 0 && this.onIdle !== undefined) this.onIdle();
  }

  /**
   * On shutdown: requests get `unavailable` from now on; in-flight handlers finish and reply
   * (up to `drainTimeoutMs`), then every connection is closed with 1001.
   */
  async drain(): Promise<void> {
    this.draining = true;
    await this.idle();
    const closes: Promise<unknown>[] = [];
    for (const connection of this.registry.members()) {
      const { socket } = connection;
      sessionOf(socket)!.shutdown();
      // A peer that dropped a moment ago closes a moment from now: its @OnClose is part of the
      // drain, so it runs before app.close() resolves and before the providers' onClose.
      if (socket.readyState !== socket.CLOSED) {
        closes.push(new Promise((resolve) => socket.once('close', resolve)));
      }
    }
    await Promise.all(closes);
    // Async @OnClose handlers count as running handlers: up to drainTimeoutMs as well.
    await this.idle();
  }

  private idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn(
          `${this.name}: ${this.pending} handler(s) still running after drainTimeoutMs (${this.limits.drainTimeoutMs} ms); closing anyway`,
        );
        resolve();
      }, timerDelay(this.limits.drainTimeoutMs)).unref();
      this.onIdle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** On `app.close()`, after the connections closed: release the adapter channel. */
  async stop(): Promise<void> {
    this.heartbeat.stop();
    this.resumeGate?.endAll();
    const { link } = this;
    this.link = undefined;
    try {
      await Promise.all([link?.close(), this.cluster.close()]);
    } catch (error) {
      // Shutdown goes on: the adapter's own resources are the adapter's to report.
      this.log.error({ err: error }, `${this.name}: the adapter failed to close`);
    }
  }

  /** Frames the payload once, at the first open recipient, and writes those bytes to every one. */
  private deliver(broadcast: Broadcast): void {
    const { payload } = broadcast;
    // The opcode `send()` would choose: binary for a binary codec, and for any Buffer.
    const binary = this.codec.binary || typeof payload !== 'string';
    let frame: Buffer | undefined;
    this.registry.forEachRecipient(broadcast, (connection) => {
      const { socket } = connection;
      // Framed for the first socket that can take it: nothing is built while all are closing.
      if (frame === undefined && socket.readyState === socket.OPEN) {
        frame = serverFrame(payload, binary);
      }
      this.write(connection, payload, frame);
    });
  }

  private write(connection: Connection, payload: string | Buffer, frame?: Buffer): void {
    const resume = connection[kResume];
    // A parked session keeps the frame for its client instead of writing it.
    if (resume !== undefined && !resume.record(payload)) return;
    this.writeSocket(connection.socket, payload, frame);
  }

  writeSocket(socket: WebSocket, payload: string | Buffer, frame?: Buffer): void {
    writePayload(socket, payload, this.limits.maxBufferedBytes, this.codec.binary, frame);
  }

  /**
   * Encodes `frame` for `connection` (undefined: a broadcast); logs and drops what cannot be.
   * The id is read only to log: most connections never need its string.
   */
  private encode(
    frame: OutboundFrame,
    connection: { readonly id: string } | undefined,
  ): string | Buffer | undefined {
    try {
      return this.codec.encode(frame);
    } catch (error) {
      this.log.error(
        { err: error, connectionId: connection?.id, event: frame.event },
        `${this.name}: could not encode frame "${frame.event}"`,
      );
      return undefined;
    }
  }

  private pickHeaders(request: FastifyRequest): Record<string, string | string[] | undefined> {
    const names = this.definition.options.keepHeaders ?? [];
    if (names.length === 0) return EMPTY_RECORD;
    const headers: Record<string, string | string[] | undefined> = {};
    // @Gateway already checked the names are lower-case, as Node reports them.
    for (const name of names) {
      const value = request.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    return headers;
  }
}

/** The sessions of `connections`: each one's socket carries it (see session-listeners.ts). */
function* sessionsOf(connections: Iterable<Connection>): Generator<ConnectionSession> {
  for (const connection of connections) yield sessionOf(connection.socket) as ConnectionSession;
}

/** Shared by every connection with no params, query or kept headers: idle connections stay small. */
const EMPTY_RECORD: Readonly<Record<string, never>> = Object.freeze({});

/** A plain copy: defining (not assigning) keys, so a `__proto__` key stays an ordinary key. */
function copyRecord(source: unknown): Record<string, unknown> {
  const entries = Object.entries(source as object);
  return entries.length === 0 ? EMPTY_RECORD : Object.fromEntries(entries);
}
