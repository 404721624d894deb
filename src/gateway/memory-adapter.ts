import type { AdapterChannel, AdapterLink, Broadcast, GatewayAdapter } from './adapter';

/**
 * Broadcasts between apps of one process. The default (one private instance per `bootstrap()`)
 * has a single app and so moves nothing; share one instance between apps, e.g. in tests, to
 * have them behave like processes behind a Redis adapter.
 */
export class MemoryAdapter implements GatewayAdapter {
  private readonly channels = new Map<string, Set<AdapterChannel>>();

  open(channel: AdapterChannel): AdapterLink {
    let peers = this.channels.get(channel.path);
    if (peers === undefined) {
      peers = new Set();
      this.channels.set(channel.path, peers);
    }
    peers.add(channel);
    return {
      publish: (broadcast: Broadcast) => {
        for (const peer of peers) if (peer !== channel) peer.deliver(broadcast);
      },
      close: async () => {
        peers.delete(channel);
        if (peers.size === 0) this.channels.delete(channel.path);
      },
    };
  }
}
