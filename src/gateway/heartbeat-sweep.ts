import type { WebSocket } from 'ws';
import { timerDelay } from './timer-delay';

/** A connection as the heartbeat sees it. */
export interface HeartbeatMember {
  readonly connection: { readonly socket: WebSocket };
  /** The round whose ping is still unanswered; 0 when none is. */
  pingRound: number;
  /** Set by the sweep while it watches this member (a parked session's client is away). */
  watched: boolean;
}

/**
 * One heartbeat for all connections of a gateway: an unref'd interval pings every watched
 * connection not already waiting for a pong, and each round's deadline reports those that did
 * not answer. Per-connection timers would cost more memory than the rest of a connection's
 * state; the connections come from the gateway's own set (`members`), not a second one.
 */
export class HeartbeatSweep {
  private readonly deadlines = new Set<NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private round = 0;
  /** How many members are watched: the timers stop with the last one. */
  private watching = 0;

  constructor(
    private readonly pingIntervalMs: number,
    private readonly pongTimeoutMs: number,
    /** Every member there is, watched or not. */
    private readonly members: () => Iterable<HeartbeatMember>,
    private readonly onDead: (member: HeartbeatMember) => void,
  ) {}

  /** Starts watching `member`; an infinite interval turns the heartbeat off. */
  add(member: HeartbeatMember): void {
    if (this.pingIntervalMs === Infinity || member.watched) return;
    member.watched = true;
    this.watching++;
    this.interval ??= setInterval(() => this.ping(), timerDelay(this.pingIntervalMs)).unref();
  }

  /** Stops watching `member`; the timers stop with the last one. */
  delete(member: HeartbeatMember): void {
    if (!member.watched) return;
    member.watched = false;
    if (--this.watching === 0) this.stop();
  }

  stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
    for (const deadline of this.deadlines) clearTimeout(deadline);
    this.deadlines.clear();
  }

  private ping(): void {
    const round = ++this.round;
    for (const member of this.members()) {
      if (!member.watched || member.pingRound !== 0) continue;
      member.pingRound = round;
      member.connection.socket.ping();
    }
    const deadline = setTimeout(() => {
      this.deadlines.delete(deadline);
      for (const member of this.members()) {
        if (member.watched && member.pingRound === round) this.onDead(member);
      }
    }, timerDelay(this.pongTimeoutMs)).unref();
    this.deadlines.add(deadline);
  }
}
