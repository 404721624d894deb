import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import {
  jsonCopy,
  type Broadcast,
  type ClusterReplies,
  type ClusterRequest,
  type SessionRecord,
} from './adapter';
import type { OutboundFrame } from './codec';
import { kDetach, kResume, type Connection } from './connection';
import { ConnectionSession } from './connection-session';
import type { ResumeClaim, ResumeGate } from './resume-gate';
import { hashToken, type ResumeSession, type SessionNumbering } from './resume-session';
import type { SessionHost } from './session-types';

const OPEN = 1;
const ABNORMAL_CLOSURE = 1006;
/** Redis failed in the middle of a resume: the client comes back, and starts afresh. */
const INTERNAL_ERROR = 1011;

/** What the process holding a session sends to the one its client came back to. */
export interface SessionHandover {
  readonly record: SessionRecord;
  readonly numbering: SessionNumbering;
  /** Where the session's broadcasts stood when it left (the adapter's own format). */
  readonly mark: unknown;
}

/** What cross-process resume needs of the gateway's runtime. */
export interface SharedResumeHost extends SessionHost {
  readonly registry: SessionHost['registry'];
  /** This process's node id on the cluster bus. */
  readonly node: string;
  /** Sends a cluster request to one process; its answer is missing when it is gone or slow. */
  ask(node: string, request: ClusterRequest): Promise<ClusterReplies>;
  /** Starts a fresh connection on `socket`. */
  open(
    socket: WebSocket,
    request: FastifyRequest,
    query: Record<string, unknown>,
    principal: unknown,
    deadlineAt: number,
  ): void;
  connectionFor(
    socket: WebSocket,
    request: FastifyRequest,
    query: Record<string, unknown>,
    id: string,
  ): Connection;
  writeUnnumbered(socket: WebSocket, frame: OutboundFrame, connectionId: string): void;
  writeSocket(socket: WebSocket, payload: string | Buffer): void;
}

/** The upgrade the claim came with. */
export interface ResumeUpgrade {
  readonly socket: WebSocket;
  readonly request: FastifyRequest;
  readonly query: Record<string, unknown>;
  readonly principal: unknown;
  readonly deadlineAt: number;
}

/**
 * A claim this process does not hold: takes the token in the shared store, then the session
 * from the process holding it (exact), or from its record when that process is gone; anything
 * else becomes a fresh connection. The socket is paused meanwhile, so no frame is lost.
 */
export async function resumeShared(
  host: SharedResumeHost,
  gate: ResumeGate,
  claim: ResumeClaim,
  upgrade: ResumeUpgrade,
): Promise<void> {
  const { socket } = upgrade;
  socket.pause();
  const found = await takeOver(host, gate, claim, upgrade.principal);
  if (found !== undefined) adopt(host, gate, found, claim.seq, upgrade);
  else if (socket.readyState === OPEN) {
    host.open(socket, upgrade.request, upgrade.query, upgrade.principal, upgrade.deadlineAt);
    socket.resume();
  }
}

async function takeOver(
  host: SharedResumeHost,
  gate: ResumeGate,
  claim: ResumeClaim,
  principal: unknown,
): Promise<SessionHandover | undefined> {
  const token = hashToken(claim.token);
  const claimed = await gate.shared!.claim(token);
  const text = principalText(principal);
  // A session of this process that did not match here cannot be resumed anywhere.
  if (claimed === undefined || claimed.node === host.node) return undefined;
  if (text === null || claimed.record.principal !== text) return undefined;
  // What it missed must still be there (a later mark, from a handover, is then covered too).
  if (!(await gate.shared!.complete(claimed.mark, claimed.record.rooms))) return undefined;
  const { answers } = await host.ask(claimed.node, { op: 'handover', token, seq: claim.seq });
  if (answers.length === 0) {
    // Its process is gone: the record, and the client's count of frames, are all there is.
    const numbering = { firstSeq: claim.seq + 1, nextSeq: claim.seq + 1, frames: [], requests: [] };
    return { record: claimed.record, numbering, mark: claimed.mark };
  }
  // A refusal is `null`; an error answer has no value: both mean a fresh connection.
  const { value } = answers[0] as { value?: SessionHandover | null };
  return value ?? undefined;
}

/** Makes the session this process's: same id, rooms and data, no `@OnConnect`; then replays. */
function adopt(
  host: SharedResumeHost,
  gate: ResumeGate,
  found: SessionHandover,
  seq: number,
  { socket, request, query, principal, deadlineAt }: ResumeUpgrade,
): void {
  const { record } = found;
  const connection = host.connectionFor(socket, request, query, record.id);
  copyData(connection.data, record.data);
  const session = new ConnectionSession(host, connection, request.id);
  const resume = gate.create(record.id, principal, session);
  const at = resume.restore(found.numbering);
  session.resume = resume;
  connection[kResume] = resume;
  resume.resumed = true;
  session.start(request, deadlineAt, true);
  for (const room of record.rooms) connection.join(room);
  // Asked in the tick the rooms were joined: everything later reaches the session live.
  const missed = gate.shared!.missed(found.mark, record.rooms);
  if (socket.readyState !== OPEN) session.closed(ABNORMAL_CLOSURE, '');
  missed.then(
    (broadcasts) => {
      const payloads = broadcasts.filter((b) => selects(connection, b)).map((b) => b.payload);
      resume.insertMissed(at, payloads);
      finish(host, gate, session, resume, seq, true);
    },
    /* c8 ignore next -- Redis failing between the completeness check and this read */
    () => finish(host, gate, session, resume, seq, false),
  );
}

function finish(
  host: SharedResumeHost,
  gate: ResumeGate,
  session: ConnectionSession,
  resume: ResumeSession,
  seq: number,
  complete: boolean,
): void {
  const { socket } = session.connection;
  /* c8 ignore next -- a guard: a clean close while the missed frames were read ended it already */
  if (resume.ended) return;
  if (socket.readyState !== OPEN) {
    // The client left again meanwhile, before it had the new token: the session waits parked
    // until maxDisconnectionMs, then ends (@OnClose here).
    resume.restoring = false;
    return;
  }
  if (!complete || resume.lost) {
    // Never a partial replay: the session ends (its @OnClose runs here, once).
    session.closeWith(INTERNAL_ERROR, 'Session could not be restored');
    socket.resume();
    return;
  }
  host.writeUnnumbered(socket, gate.sessionFrame(resume, true), session.connection.id);
  for (const payload of resume.resume(seq)) host.writeSocket(socket, payload);
  socket.resume();
}

/**
 * The process holding the session under `token` hands it over to another one: it leaves here
 * without `@OnClose` (its rooms locally, its socket if still open). Null when it cannot.
 */
export function handOver(
  host: Pick<SessionHost, 'registry' | 'heartbeat'>,
  gate: ResumeGate,
  token: string,
  seq: number,
): SessionHandover | null {
  const resume = gate.store.get(token);
  if (resume === undefined || resume.restoring || !resume.canResume(seq, resume.principal)) {
    return null;
  }
  const session = resume.owner as ConnectionSession;
  const { connection } = session;
  const data = dataCopy(connection.data);
  if (data === undefined) return null;
  const rooms = [...connection.rooms];
  const handover: SessionHandover = {
    record: { id: connection.id, principal: principalText(resume.principal), rooms, data },
    numbering: resume.snapshot(),
    mark: gate.shared!.mark(rooms),
  };
  const open = !resume.parked;
  resume.handOver();
  if (open) connection.socket.terminate();
  host.heartbeat.delete(session);
  connection[kDetach]();
  host.registry.delete(connection);
  return handover;
}

/** The session as another process can adopt it when this one is gone. */
export function recordOf(resume: ResumeSession): SessionRecord {
  const { connection } = resume.owner as ConnectionSession;
  return {
    id: connection.id,
    principal: principalText(resume.principal),
    rooms: [...connection.rooms],
    data: dataCopy(connection.data) ?? {},
  };
}

/** The principal as compared across processes (JSON); null when it cannot cross. */
function principalText(principal: unknown): string | null | undefined {
  try {
    return JSON.stringify(principal);
  } catch {
    return null;
  }
}

function dataCopy(data: Record<string, unknown>): Record<string, unknown> | undefined {
  try {
    return jsonCopy(data) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Defines (not assigns) each key, so a `__proto__` key stays an ordinary key. */
function copyData(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    Object.defineProperty(target, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
}

/**
 * Whether `broadcast`, read from the channel of one of the connection's rooms (or the gateway's),
 * is for `connection`: the channel already chose the room, so only its exceptions remain.
 */
function selects(connection: Connection, broadcast: Broadcast): boolean {
  const { rooms, id } = connection;
  return !broadcast.exceptIds.includes(id) && !broadcast.exceptRooms.some((r) => rooms.has(r));
}
