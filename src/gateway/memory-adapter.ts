import { randomBytes } from 'node:crypto';
import {
  jsonCopy,
  settle,
  type AdapterChannel,
  type AdapterLink,
  type Broadcast,
  type ClusterAnswer,
  type ClusterChannel,
  type ClusterLink,
  type ClusterReplies,
  type ClusterRequest,
  type GatewayAdapter,
} from './adapter';
import { timerDelay } from './timer-delay';

interface ClusterPeer {
  readonly node: string;
  readonly channel: ClusterChannel;
}

/**
 * Broadcasts between apps of one process. The default (one private instance per `bootstrap()`)
 * has a single app and so moves nothing; share one instance between apps, e.g. in tests, to
 * have them behave like processes behind a Redis adapter (cluster-wide operations included).
 */
export class MemoryAdapter implements GatewayAdapter {
  private readonly channels = new Map<string, Set<AdapterChannel>>();
  private readonly clusters = new Map<string, Set<ClusterPeer>>();

  open(channel: AdapterChannel): AdapterLink {
    const peers = group(this.channels, channel.path);
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

  /** The other apps sharing this adapter answer; each request and answer is copied as JSON. */
  openCluster(channel: ClusterChannel): ClusterLink {
    const peers = group(this.clusters, channel.path);
    const self: ClusterPeer = { node: randomBytes(9).toString('base64url'), channel };
    peers.add(self);
    return {
      node: self.node,
      request: (request) => ask(self, [...peers], request),
      close: async () => {
        peers.delete(self);
        if (peers.size === 0) this.clusters.delete(channel.path);
      },
    };
  }
}

function group<T>(map: Map<string, Set<T>>, path: string): Set<T> {
  let peers = map.get(path);
  if (peers === undefined) {
    peers = new Set();
    map.set(path, peers);
  }
  return peers;
}

function ask(
  self: ClusterPeer,
  peers: readonly ClusterPeer[],
  request: ClusterRequest,
): Promise<ClusterReplies> {
  const others = peers.filter((peer) => peer !== self);
  const copy = jsonCopy(request) as ClusterRequest;
  const answers: ClusterAnswer[] = [];
  return new Promise((resolve) => {
    let waiting = others.length;
    const done = () =>
      resolve({
        answers: [...answers],
        missing: others
          .filter((peer) => !answers.some((a) => a.node === peer.node))
          .map((peer) => peer.node),
      });
    if (waiting === 0) {
      done();
      return;
    }
    const timer = setTimeout(done, timerDelay(self.channel.timeoutMs));
    for (const peer of others) {
      void settle(peer.node, () => peer.channel.answer(copy, self.node)).then((answer) => {
        answers.push(answer);
        if (--waiting === 0) {
          clearTimeout(timer);
          done();
        }
      });
    }
  });
}
