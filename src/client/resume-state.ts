/**
 * The client's half of session resume (see docs/protocol.md, "Session resume"): the session
 * the server announced in `$session`, the count of server frames received since, the `$ack`
 * cadence, and the upgrade URL that resumes. Shared by the client and the test kit.
 */

/** `client.session`: the server's session for this client, once announced. */
export interface SessionInfo {
  readonly id: string;
  /** True when the last (re)connect resumed the session instead of starting a new one. */
  readonly resumed: boolean;
}

/** What `$session` told the client, after checking its shape. */
interface SessionFrameData {
  readonly id: string;
  readonly token: string;
  readonly resumed: boolean;
  readonly ackEvery: number;
}

const SESSION_PREFIX = '{"event":"$session"';

export class ResumeState {
  session: SessionInfo | null = null;
  private token: string | undefined;
  /** Server frames received since the session began (`$session` frames not counted). */
  private received = 0;
  private ackEvery = 0;
  private sinceAck = 0;

  /** True once the server announced a session this client may resume. */
  get resumable(): boolean {
    return this.token !== undefined;
  }

  /**
   * Reads one server message. Returns the `$session` data when it is one (the caller re-sends
   * or fails its requests), `'ack'` when an `$ack` is due, else undefined (an ordinary frame).
   */
  receive(message: unknown): SessionFrameData | 'ack' | undefined {
    if (typeof message === 'string' && message.startsWith(SESSION_PREFIX)) {
      const data = readSession(message);
      if (data !== undefined) {
        this.token = data.token;
        this.ackEvery = data.ackEvery;
        this.sinceAck = 0;
        if (!data.resumed) this.received = 0;
        this.session = { id: data.id, resumed: data.resumed };
        return data;
      }
    }
    if (this.token === undefined) return undefined;
    this.received++;
    if (++this.sinceAck < this.ackEvery) return undefined;
    this.sinceAck = 0;
    return 'ack';
  }

  /** The `$ack` frame for what has been received. */
  ackFrame(): string {
    return JSON.stringify({ event: '$ack', data: this.received });
  }

  /** `url` with the `$resume=1` flag once there is a session to resume (the token goes in a frame). */
  resumeUrl(url: string): string {
    if (this.token === undefined) return url;
    const separator = url.includes('?') ? '&' : '?';
    return `${url}${separator}%24resume=1`;
  }

  /** The first frame of a resuming socket: the token and the count of frames received. */
  resumeFrame(): string {
    return JSON.stringify({ event: '$resume', data: { token: this.token, seq: this.received } });
  }

  /** The session is over for good (closed by either side): the next connect starts afresh. */
  forget(): void {
    this.token = undefined;
    this.received = 0;
  }
}

function readSession(message: string): SessionFrameData | undefined {
  let frame: { data?: Partial<SessionFrameData> };
  try {
    frame = JSON.parse(message) as typeof frame;
  } catch {
    return undefined;
  }
  const data = frame.data;
  if (
    typeof data !== 'object' ||
    data === null ||
    typeof data.id !== 'string' ||
    typeof data.token !== 'string' ||
    typeof data.resumed !== 'boolean' ||
    typeof data.ackEvery !== 'number'
  ) {
    return undefined;
  }
  return { id: data.id, token: data.token, resumed: data.resumed, ackEvery: data.ackEvery };
}
