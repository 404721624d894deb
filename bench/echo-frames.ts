// What a load generator connection is and reports, and how the `ws` clients read the echo
// protocol's server frames.
import { PAYLOAD_S, TICK_EVENT } from './protocol';

/** What a connection reports; the generator does the bookkeeping. */
export interface ClientEvents {
  /** A reply to request `id`; `intact` says its event and payload match what was sent. */
  reply(id: number, intact: boolean): void;
  /** Broadcast number `n` arrived. */
  tick(n: number): void;
  /** A frame that is neither a reply nor a broadcast (an error frame, garbage). */
  stray(): void;
}

export interface BenchClient {
  echo(id: number): void;
  close(): Promise<void>;
}

export function isIntact(data: { n?: unknown; s?: unknown } | undefined, id: number): boolean {
  return data?.n === id && data.s === PAYLOAD_S;
}

/** Reports one text frame of the echo protocol: a reply, a broadcast, or a stray. */
export function readFrame(text: string, events: ClientEvents): void {
  let frame: { event?: unknown; data?: { n?: unknown; s?: unknown }; id?: unknown };
  try {
    frame = JSON.parse(text);
  } catch {
    return events.stray();
  }
  if (frame.event === 'echo' && typeof frame.id === 'number') {
    events.reply(frame.id, isIntact(frame.data, frame.id));
  } else if (frame.event === TICK_EVENT && typeof frame.data?.n === 'number') {
    events.tick(frame.data.n);
  } else {
    events.stray();
  }
}
