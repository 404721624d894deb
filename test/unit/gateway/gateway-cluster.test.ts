import type { FastifyBaseLogger } from 'fastify';
import { ClusterTimeoutError } from '../../../src/errors';
import type { ClusterAnswer } from '../../../src/gateway/adapter';
import { errorInfo, jsonCopy, settle } from '../../../src/gateway/adapter';
import { GatewayCluster } from '../../../src/gateway/gateway-cluster';
import { GatewayServer, type BroadcastTarget } from '../../../src/gateway/gateway-server';
import { MemoryAdapter } from '../../../src/gateway/memory-adapter';
import { RoomRegistry } from '../../../src/gateway/room-registry';

const log = { warn: () => undefined } as unknown as FastifyBaseLogger;

describe('gateway cluster helpers', () => {
  it('copies values as JSON would carry them; undefined stays undefined', () => {
    expect(jsonCopy(undefined)).toBeUndefined();
    expect(
      jsonCopy({ a: new Date(0), b: undefined, m: new Map([[1, 2]]), s: new Set([1]) }),
    ).toEqual({
      a: '1970-01-01T00:00:00.000Z',
      m: {},
      s: {},
    });
    expect(() => jsonCopy({ n: BigInt(1) })).toThrow(TypeError);
  });

  it('turns anything thrown into an error answer with a name and message', async () => {
    expect(errorInfo('plain')).toEqual({ name: 'Error', message: 'plain' });
    expect(await settle('n', () => Promise.reject(new RangeError('r')))).toEqual({
      node: 'n',
      ok: false,
      error: { name: 'RangeError', message: 'r' },
    });
    // An answer that cannot become JSON is an error answer too.
    expect(await settle('n', async () => BigInt(2))).toMatchObject({
      ok: false,
      error: { name: 'TypeError' },
    });
  });

  it('acts on this process alone with an adapter that has no cluster part', async () => {
    const host = {
      name: 'G',
      log,
      registry: new RoomRegistry(),
      serverEvent: () => undefined,
      handover: () => null,
    };
    const cluster = new GatewayCluster(host, 100);
    cluster.open({ open: () => ({ publish() {}, close: async () => undefined }) }, '/p');
    expect(
      await cluster.request({ op: 'event', event: 'e' }, 'serverSideEmit("e")', false),
    ).toEqual([]);
    // Without a cluster part, no other process can be asked for a session.
    expect(await cluster.ask('other', { op: 'handover', token: 't', seq: 0 })).toEqual({
      answers: [],
      missing: ['other'],
    });
    const [answer] = await cluster.request(
      { op: 'fetch', selection: { rooms: [], exceptRooms: [], exceptIds: [] } },
      'fetchAll()',
      true,
    );
    expect(answer).toEqual({ node: expect.any(String), ok: true, value: [] });
    await cluster.close();
  });

  it('a memory adapter peer that closed is no longer asked', async () => {
    const adapter = new MemoryAdapter();
    const channel = (path: string) => ({ path, log, timeoutMs: 50, answer: async () => 'yes' });
    const a = adapter.openCluster(channel('/p'));
    const b = adapter.openCluster(channel('/p'));
    expect((await a.request({ op: 'event', event: 'e' })).answers).toEqual([
      { node: b.node, ok: true, value: 'yes' },
    ]);
    await b.close();
    expect(await a.request({ op: 'event', event: 'e' })).toEqual({ answers: [], missing: [] });
    await a.close();
  });
});

describe('BroadcastOperator cluster operations', () => {
  function serverAnswering(answers: ClusterAnswer[]): GatewayServer {
    const target: BroadcastTarget = {
      broadcast: () => undefined,
      fetchConnections: () => [],
      clusterRequest: async () => answers,
    };
    return new GatewayServer(target);
  }

  it('rejects when a process failed to run the operation, naming it', async () => {
    const server = serverAnswering([
      { node: 'n1', ok: false, error: { name: 'Error', message: 'broken' } },
    ]);
    await expect(server.to('a').joinAll('b')).rejects.toThrow(
      'joinAll("b") failed on process n1: broken',
    );
  });

  it('sends disconnectAll’s code and reason only when given', async () => {
    const sent: unknown[] = [];
    const server = new GatewayServer({
      broadcast: () => undefined,
      fetchConnections: () => [],
      clusterRequest: async (request) => (sent.push(request), []),
    });
    await server.to('a').disconnectAll(4000);
    await server.disconnectAll(4001, 'bye');
    await server.disconnectAll();
    const selection = (rooms: string[]) => ({ rooms, exceptRooms: [], exceptIds: [] });
    expect(sent).toEqual([
      { op: 'disconnect', selection: selection(['a']), code: 4000 },
      { op: 'disconnect', selection: selection([]), code: 4001, reason: 'bye' },
      { op: 'disconnect', selection: selection([]) },
    ]);
  });

  it('ClusterTimeoutError is an Error with the operation, missing nodes and answers', () => {
    const error = new ClusterTimeoutError('fetchAll()', ['x'], [], 10);
    expect(error).toBeInstanceOf(Error);
    expect(error.missing).toEqual(['x']);
  });
});
