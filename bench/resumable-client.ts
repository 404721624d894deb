// A load generator connection to a gateway with session resume that behaves as a real
// resuming client (docs/protocol.md, "Session resume"): it waits for `$session`, counts every
// frame after it, acknowledges with `$ack` every `ackEvery` frames, and can drop its socket
// the way a network does and resume the session on a new one.
import { WebSocket } from 'ws';
import { readFrame, type BenchClient, type ClientEvents } from './echo-frames';
import { ECHO_PATH, echoFrame } from './protocol';

const SESSION_PREFIX = '{"event":"$session"';

interface SessionData {
  token: string;
  resumed: boolean;
  ackEvery: number;
}

export interface ResumableClient extends BenchClient {
  /** Cuts the socket without a close frame (the server keeps the session); resolves once it is gone. */
  drop(): Promise<void>;
  /**
   * Resumes the session on a new socket. Resolves when its `$session` arrived, with when the
   * socket opened (ns) and whether the server resumed; the missed frames follow through `events`.
   */
  resume(): Promise<{ openedAtNs: number; resumed: boolean }>;
}

export function isResumable(client: BenchClient): client is ResumableClient {
  return 'resume' in client;
}

function readSession(text: string): SessionData | undefined {
  try {
    const { data } = JSON.parse(text) as { data?: Partial<SessionData> };
    if (
      typeof data?.token === 'string' &&
      typeof data.resumed === 'boolean' &&
      typeof data.ackEvery === 'number' &&
      data.ackEvery >= 1
    ) {
      return { token: data.token, resumed: data.resumed, ackEvery: data.ackEvery };
    }
  } catch {
    // not JSON: a stray
  }
  return undefined;
}

export function openResumable(
  port: number,
  events: ClientEvents,
  localAddress: string | undefined,
): Promise<ResumableClient> {
  const url = `ws://127.0.0.1:${port}${ECHO_PATH}`;
  let token: string | undefined;
  /** Server frames received since the session began (`$session` frames not counted). */
  let received = 0;
  let ackEvery = 1;
  let sinceAck = 0;
  /** Set while a `$session` is expected: the first frame of every socket. */
  let onSession: ((session: SessionData) => void) | undefined;

  const open = (target: string): WebSocket => {
    const ws = new WebSocket(target, {
      perMessageDeflate: false,
      skipUTF8Validation: true,
      localAddress,
    });
    ws.on('error', () => {}); // every error is followed by 'close', which callers wait for
    ws.on('message', (raw) => {
      const text = raw.toString();
      if (onSession !== undefined) {
        const session = text.startsWith(SESSION_PREFIX) ? readSession(text) : undefined;
        if (session === undefined) return events.stray(); // a frame before `$session`
        token = session.token;
        ackEvery = session.ackEvery;
        sinceAck = 0;
        if (!session.resumed) received = 0;
        const settle = onSession;
        onSession = undefined;
        return settle(session);
      }
      received++;
      if (++sinceAck >= ackEvery) {
        sinceAck = 0;
        ws.send(`{"event":"$ack","data":${received}}`);
      }
      readFrame(text, events);
    });
    return ws;
  };

  const sessionOf = (ws: WebSocket): Promise<SessionData> =>
    new Promise((resolve, reject) => {
      onSession = resolve;
      ws.once('error', reject);
      ws.once('close', () => reject(new Error('closed before $session')));
    });

  let socket = open(url);
  const client: ResumableClient = {
    echo: (id) => socket.send(echoFrame(id)),
    close: () => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.close();
      return closed;
    },
    drop: () => {
      const gone = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.terminate();
      return gone;
    },
    async resume() {
      socket = open(`${url}?%24resume=1`);
      let openedAtNs = 0;
      socket.once('open', () => {
        openedAtNs = Number(process.hrtime.bigint());
        socket.send(JSON.stringify({ event: '$resume', data: { token, seq: received } }));
      });
      const session = await sessionOf(socket);
      return { openedAtNs, resumed: session.resumed };
    },
  };
  return sessionOf(socket).then((session) => {
    if (session.resumed) throw new Error('a new connection said resumed: true');
    return client;
  });
}
