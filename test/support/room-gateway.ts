import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  MessageBody,
  OnConnect,
  OnMessage,
  Param,
  type Connection,
} from '../../src';

/** Body of every broadcast request: the text to send, and a room where the event needs one. */
export interface Shout {
  readonly text: string;
  readonly room?: string;
}

/** Joins the room of its path; each event broadcasts `heard` with a different selection. */
@Gateway('/rooms/:room')
export class RoomGateway {
  constructor(private readonly server: GatewayServer) {}

  @OnConnect()
  join(@ConnectedSocket() conn: Connection, @Param('room') room: string): void {
    conn.join(room);
  }

  @OnMessage('to-room')
  toRoom(@MessageBody() body: Shout): null {
    this.server.to(body.room!).emit('heard', { text: body.text });
    return null;
  }

  @OnMessage('all')
  all(@MessageBody() body: Shout): null {
    this.server.emit('heard', { text: body.text });
    return null;
  }

  @OnMessage('except-me')
  exceptMe(@MessageBody() body: Shout, @ConnectedSocket() conn: Connection): null {
    this.server.except(conn).emit('heard', { text: body.text });
    return null;
  }

  @OnMessage('except-room')
  exceptRoom(@MessageBody() body: Shout): null {
    this.server.except(body.room!).emit('heard', { text: body.text });
    return null;
  }
}

/** A second gateway, to prove two gateway paths never hear each other. */
@Gateway('/lobby')
export class LobbyGateway {
  constructor(private readonly server: GatewayServer) {}

  @OnMessage('all')
  all(@MessageBody() body: Shout): null {
    this.server.emit('heard', { text: body.text });
    return null;
  }
}
