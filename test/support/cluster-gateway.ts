import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  OnConnect,
  OnServerEvent,
  Param,
  Query,
  type Connection,
} from '../../src';

/** Every ClusterGateway's server, in the order the apps built them. */
export const clusterServers: GatewayServer[] = [];

/** Answers held by the 'slow' server event until a test resolves them. */
export const held: { release: (() => void)[] } = { release: [] };

/** Joins the room of its path and names itself from `?name=`; answers server events. */
@Gateway('/c/:room')
export class ClusterGateway {
  constructor(private readonly server: GatewayServer) {
    clusterServers.push(server);
  }

  @OnConnect()
  enter(
    @ConnectedSocket() conn: Connection,
    @Param('room') room: string,
    @Query('name') name: string,
  ): void {
    conn.join(room);
    conn.data.name = name;
    conn.data.pid = process.pid;
  }

  @OnServerEvent('whoami')
  whoami(_data: unknown, from: string): { pid: number; connections: number; from: string } {
    return { pid: process.pid, connections: this.server.fetchConnections().length, from };
  }

  @OnServerEvent('echo')
  echo(data: unknown): unknown {
    return data;
  }

  @OnServerEvent('boom')
  boom(): never {
    throw new RangeError(`boom in ${process.pid}`);
  }

  @OnServerEvent('slow')
  slow(): Promise<string> {
    return new Promise((resolve) => held.release.push(() => resolve('released')));
  }
}
