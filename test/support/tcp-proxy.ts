import { once } from 'node:events';
import net from 'node:net';

/**
 * A TCP proxy on port 0 in front of a real server, for tests that cut the network: `cut()`
 * destroys every piped pair at once (both ends see the connection drop, no close frame), and
 * `refuse` makes new connections fail until it is turned off again.
 */
export class TcpProxy {
  readonly server: net.Server;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  /** While true, new connections are destroyed at once (the network is down). */
  refuse = false;
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(private readonly target: number) {
    this.server = net.createServer((client) => this.pipe(client));
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    proxy.server.listen(0, '127.0.0.1');
    await once(proxy.server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Drops every open connection without a close handshake; resolves when both ends are gone. */
  async cut(): Promise<void> {
    const closing: Promise<unknown>[] = [];
    for (const [client, upstream] of this.pairs) {
      for (const socket of [client, upstream]) {
        if (!socket.destroyed) closing.push(once(socket, 'close'));
        socket.destroy();
      }
    }
    this.pairs.clear();
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    await this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pipe(client: net.Socket): void {
    this.accepted++;
    if (this.refuse) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
