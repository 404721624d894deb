import { randomBytes } from 'node:crypto';
import {
  Equals,
  IsArray,
  IsISO8601,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Min,
} from 'class-validator';
import {
  Emits,
  Gateway,
  OnConnect,
  OnMessage,
  OnClose,
  MessageBody,
  ConnectedSocket,
  Param,
  Query,
  GatewayServer,
  ClusterTimeoutError,
  type Connection,
  type RemoteConnection,
} from 'fastify-ws-gateway';

/** One line said in a room, as `said` carries it. */
export interface ChatLine {
  /** Unique across restarts: a page that caught up through `history` skips lines it has. */
  id: string;
  user: string;
  text: string;
  /** When the server received it (ISO 8601). */
  at: string;
}

/**
 * The recent lines of each room, kept in this process so a page whose session could not be
 * resumed (after a server restart, or a drop longer than `maxDisconnectionMs`) fetches what it
 * missed. Several processes would keep this in a shared store instead.
 */
export class ChatHistory {
  /** Ids of this process's lines start with it, so they never repeat an earlier process's. */
  private readonly prefix = randomBytes(6).toString('base64url');
  private next = 1;
  private readonly rooms = new Map<string, ChatLine[]>();

  constructor(private readonly keep = 200) {}

  /** Records a line said in `room` and returns it with its id. */
  add(room: string, line: Omit<ChatLine, 'id'>): ChatLine {
    const said = { id: `${this.prefix}.${this.next++}`, ...line };
    const lines = this.rooms.get(room) ?? [];
    lines.push(said);
    if (lines.length > this.keep) lines.shift();
    this.rooms.set(room, lines);
    return said;
  }

  /** The lines after `since` when it is still kept; otherwise every kept line, oldest first. */
  since(room: string, since?: string): ChatLine[] {
    const lines = this.rooms.get(room) ?? [];
    const index = since === undefined ? -1 : lines.findIndex((line) => line.id === since);
    return lines.slice(index + 1);
  }
}

/** Body of `say`: validated before the handler runs. */
export class SayDto {
  @IsString()
  @Length(1, 500)
  text!: string;
}

/** Reply to `say`. */
export class SayReplyDto {
  @Equals(true)
  ok!: true;
}

/** `said`: a message someone sent to the room. */
export class SaidDto {
  /** Unique, also across server restarts: a page skips a line it already shows. */
  @IsString()
  id!: string;

  @IsString()
  user!: string;

  @IsString()
  text!: string;

  /** When the server received it (ISO 8601). */
  @IsISO8601()
  at!: string;
}

/** Body of `history`: the id of the last line the page has, if any. */
export class HistoryDto {
  @IsOptional()
  @IsString()
  since?: string;
}

/** Reply to `history`: the room's recent lines after `since` (all of them when `since` is
 * unknown, e.g. from before a restart), oldest first. */
export class HistoryReplyDto {
  @IsArray()
  lines!: SaidDto[];
}

/** `joined` and `left`: who came or went, and who is in the room now, on every node. */
export class PresenceDto {
  @IsString()
  user!: string;

  @IsInt()
  @Min(0)
  members!: number;

  /** The names of everyone in the room, sorted. */
  @IsArray()
  @IsString({ each: true })
  users!: string[];
}

/**
 * A chat room per path: `/chat/lobby?name=ada`. Everyone in the room hears `joined`, `said`
 * and `left`; `say` is answered `{ ok: true }`. Sessions resume: a page whose network drops
 * gets the lines said meanwhile when it reconnects, and `history` gives a page whose session
 * is gone (a server restart) the room's recent lines.
 */
@Gateway('/chat/:room', {
  resume: { maxDisconnectionMs: 60_000 },
  // Checked by Fastify before the upgrade: a bad name is a 400, no socket is opened.
  schema: {
    querystring: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1, maxLength: 40 } },
    },
  },
})
@Emits('joined', PresenceDto)
@Emits('said', SaidDto)
@Emits('left', PresenceDto)
export class ChatGateway {
  private readonly history = new ChatHistory();

  constructor(private readonly server: GatewayServer) {}

  @OnConnect()
  async join(
    @ConnectedSocket() conn: Connection,
    @Param('room') room: string,
    @Query('name') name: string | undefined,
  ): Promise<void> {
    conn.data.user = name ?? `guest-${conn.id.slice(-4)}`;
    conn.join(room);
    this.server.to(room).emit('joined', { user: conn.data.user, ...(await this.presence(room)) });
  }

  @OnMessage('say', { reply: SayReplyDto })
  say(@MessageBody() body: SayDto, @ConnectedSocket() conn: Connection): { ok: true } {
    const { room } = conn.params;
    const at = new Date().toISOString();
    const said = this.history.add(room, { user: String(conn.data.user), text: body.text, at });
    this.server.to(room).emit('said', said);
    return { ok: true };
  }

  @OnMessage('history', { reply: HistoryReplyDto })
  recent(@MessageBody() body: HistoryDto, @Param('room') room: string): { lines: ChatLine[] } {
    return { lines: this.history.since(room, body.since) };
  }

  @OnClose()
  async left(@ConnectedSocket() conn: Connection): Promise<void> {
    const { room } = conn.params;
    this.server.to(room).emit('left', { user: conn.data.user, ...(await this.presence(room)) });
  }

  /**
   * Who is in `room` on every node (`fetchAll()`: with a RedisAdapter, across processes; the
   * closing connection has already left). A node that does not answer in time is left out.
   */
  private async presence(room: string): Promise<{ members: number; users: string[] }> {
    let members: readonly Pick<RemoteConnection, 'data'>[];
    try {
      members = await this.server.to(room).fetchAll();
    } catch (error) {
      if (!(error instanceof ClusterTimeoutError)) throw error;
      members = error.answers.flatMap((answer) =>
        answer.ok ? (answer.value as Pick<RemoteConnection, 'data'>[]) : [],
      );
    }
    const users = members.map((member) => String(member.data.user)).sort();
    return { members: users.length, users };
  }
}
