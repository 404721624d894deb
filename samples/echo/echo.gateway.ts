import {
  Gateway,
  OnMessage,
  MessageBody,
  ConnectedSocket,
  type Connection,
} from 'fastify-ws-gateway';

/**
 * The smallest gateway: `{"event":"echo","data":…,"id":1}` is answered with the same data, and
 * `whoami` tells the client its connection id.
 */
@Gateway('/echo')
export class EchoGateway {
  @OnMessage('echo')
  echo(@MessageBody() data: unknown): unknown {
    return data;
  }

  @OnMessage('whoami')
  whoami(@ConnectedSocket() conn: Connection): { id: string } {
    return { id: conn.id };
  }
}
