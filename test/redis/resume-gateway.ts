import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnClose,
  OnConnect,
  OnMessage,
  Param,
  type Connection,
} from '../../src';

/** What the resume gateways did, in this process: `connect <id>` and `close <id>`. */
export const lifecycle: string[] = [];
/** The GatewayServer of each app started in this process, in start order. */
export const servers: GatewayServer[] = [];

/** Joins the room of its path once per session; `say` broadcasts to it, `set` changes conn.data. */
@Gateway('/chat/:room', { resume: { maxDisconnectionMs: 30_000, maxFrames: 200 } })
export class ResumeChatGateway {
  constructor(private readonly server: GatewayServer) {
    servers.push(server);
  }

  @OnConnect()
  enter(@ConnectedSocket() conn: Connection, @Param('room') room: string): void {
    conn.join(room);
    conn.data.nick = `nick-${conn.id}`;
    lifecycle.push(`connect ${conn.id}`);
  }

  @OnMessage('say')
  say(text: string, conn: Connection): string {
    this.server.to(conn.params.room).emit('said', text);
    return 'ok';
  }

  /** To several rooms at once: a member of two of them gets it once. */
  @OnMessage('say-rooms')
  sayRooms(body: { rooms: string[]; text: string }): string {
    this.server.to(body.rooms).emit('said', body.text);
    return 'ok';
  }

  @OnMessage('set')
  set(value: unknown, conn: Connection): string {
    conn.data.value = value;
    return 'ok';
  }

  @OnMessage('join')
  join(room: string, conn: Connection): string {
    conn.join(room);
    return 'ok';
  }

  @OnMessage('bigint')
  bigint(_: unknown, conn: Connection): string {
    conn.data.big = BigInt(1); // conn.data that has no JSON form
    return 'ok';
  }

  @OnMessage('direct')
  direct(text: string, conn: Connection): void {
    conn.emit('direct', text);
  }

  @OnMessage('whoami')
  whoami(_: unknown, conn: Connection) {
    return { id: conn.id, rooms: [...conn.rooms], data: conn.data, resumed: conn.resumed };
  }

  @OnClose()
  leave(@ConnectedSocket() conn: Connection): void {
    lifecycle.push(`close ${conn.id}`);
  }
}

/** A second resumable path: its tokens are foreign to the first. Its principal is `x-user`. */
@Gateway('/other', {
  resume: {
    identify: (request) => {
      const user = request.headers['x-user'];
      return user === 'big' ? BigInt(1) : user; // a BigInt has no JSON form
    },
  },
})
export class OtherResumeGateway {
  @OnMessage('ping')
  ping(): string {
    return 'pong';
  }
}
