import WebSocket from 'ws';
import { RedisServer } from '../support/redis-server';
import { RedisCluster } from '../support/redis-cluster';
import { compileGatewayProcess, removeCompiled } from './gateway-children';
import { CLUSTER_CHILD_FILES, ClusterChild } from './cluster-children';
import type { CallOutcome } from './cluster-process';
import { describeRedis } from './redis-clients';

const TIMEOUT_MS = 1500;

interface Answer {
  node: string;
  ok: boolean;
  value?: { pid: number; from: string };
}

/** Polls `probe` (each try a real round trip) until it returns true; bounded by 20 s. */
async function eventually(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function answers(outcome: CallOutcome): Answer[] {
  if (!outcome.ok) throw new Error(`${outcome.name}: ${outcome.message}`);
  return outcome.value as Answer[];
}

/** Opens a ws client and resolves once it is open; `closed` resolves with the close code and reason. */
function connect(url: string): Promise<{ socket: WebSocket; closed: Promise<[number, string]> }> {
  const socket = new WebSocket(url);
  const closed = new Promise<[number, string]>((resolve) =>
    socket.once('close', (code, reason) => resolve([code, reason.toString()])),
  );
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/**
 * Real processes, each its own app and RedisAdapter, on one backend. `env` says where Redis is.
 * Returns the children once each knows all the others, and each one's node id.
 */
async function startChildren(
  compiled: string,
  env: Record<string, string>,
  count: number,
): Promise<{ children: ClusterChild[]; nodes: Map<ClusterChild, string> }> {
  const children = await Promise.all(
    Array.from({ length: count }, () =>
      ClusterChild.fork(compiled, { ...env, CLUSTER_TIMEOUT_MS: String(TIMEOUT_MS) }),
    ),
  );
  for (const child of children) {
    await eventually(async () => {
      const outcome = await child.call({ op: 'serverSideEmit', event: 'whoami' });
      return outcome.ok && answers(outcome).length === count - 1;
    });
  }
  // Each answer names its node and pid; the asker's own node comes back as `from`.
  const nodes = new Map<ClusterChild, string>();
  const first = answers(await children[0].call({ op: 'serverSideEmit', event: 'whoami' }));
  for (const answer of first) {
    nodes.set(
      children.find((child) => child.pid === answer.value!.pid)!,
      answer.node,
    );
  }
  nodes.set(children[0], first[0].value!.from);
  return { children, nodes };
}

describeRedis('cluster-wide operations across real processes (real redis-server)', () => {
  let server: RedisServer;
  let compiled: string;
  let children: ClusterChild[];
  let nodes: Map<ClusterChild, string>;
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    compiled = compileGatewayProcess(CLUSTER_CHILD_FILES);
    server = await RedisServer.start();
    ({ children, nodes } = await startChildren(compiled, { REDIS_PORT: String(server.port) }, 4));
  }, 60000);

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    for (const child of children) child.signal('SIGCONT');
    await Promise.all(children.map((child) => child.kill()));
    for (const child of children) expect(child.stderr).toBe('');
    await server.stop();
    removeCompiled(compiled);
  }, 30000);

  it('fetchAll, joinAll, leaveAll and disconnectAll see and move connections on every process', async () => {
    const [a, b, c, d] = children;
    const ann = await connect(a.url('lobby', 'ann'));
    const bob = await connect(b.url('lobby', 'bob'));
    const cid = await connect(c.url('other', 'cid'));
    sockets.push(ann.socket, bob.socket, cid.socket);
    await eventually(async () => {
      const outcome = await d.call({ op: 'fetchAll' });
      return outcome.ok && (outcome.value as unknown[]).length === 3;
    });

    const lobby = (await d.call({ op: 'fetchAll', room: 'lobby' })) as {
      ok: true;
      value: { data: { name: string; pid: number }; node: string; rooms: string[] }[];
    };
    expect(
      lobby.value
        .map((m) => [m.data.name, m.data.pid, m.node, m.rooms])
        .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
    ).toEqual([
      ['ann', a.pid, nodes.get(a), ['lobby']],
      ['bob', b.pid, nodes.get(b), ['lobby']],
    ]);

    expect(await c.call({ op: 'joinAll', room: 'lobby', target: 'archive' })).toMatchObject({
      ok: true,
    });
    const archive = await a.call({ op: 'fetchAll', room: 'archive' });
    expect(
      (archive as { value: { data: { name: string } }[] }).value.map((m) => m.data.name).sort(),
    ).toEqual(['ann', 'bob']);
    await b.call({ op: 'leaveAll', target: 'archive' });
    expect(await d.call({ op: 'fetchAll', room: 'archive' })).toMatchObject({
      ok: true,
      value: [],
    });

    await b.call({ op: 'disconnectAll', room: 'other', code: 4003, reason: 'deploy' });
    expect(await cid.closed).toEqual([4003, 'deploy']);
  }, 30000);

  it('a paused process (SIGSTOP) makes a call time out naming it, then is not waited for; it is back after SIGCONT', async () => {
    const [a, b, c, d] = children;
    c.signal('SIGSTOP');
    const first = await a.call({ op: 'serverSideEmit', event: 'whoami' });
    expect(first).toMatchObject({
      ok: false,
      name: 'ClusterTimeoutError',
      missing: [nodes.get(c)],
    });
    expect(first.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect((first as { answers: Answer[] }).answers.map((x) => x.node).sort()).toEqual(
      [nodes.get(b), nodes.get(d)].sort(),
    );
    // Silent for longer than three heartbeats: the next call asks only the others, and is quick.
    const second = await a.call({ op: 'serverSideEmit', event: 'whoami' });
    expect(answers(second)).toHaveLength(2);
    expect(second.ms).toBeLessThan(TIMEOUT_MS);

    c.signal('SIGCONT');
    // Its late answer to the first call is ignored, and counted.
    await eventually(async () => {
      const stats = await a.call({ op: 'stats' });
      return (stats as { value: { ignored: number } }).value.ignored >= 1;
    });
    await eventually(
      async () => answers(await a.call({ op: 'serverSideEmit', event: 'whoami' })).length === 3,
    );
  }, 30000);

  it('a killed process (SIGKILL) is noticed within clusterTimeoutMs and not waited for again', async () => {
    const [a, b, c, d] = children;
    await b.kill();
    const killedAt = Date.now();
    const first = await a.call({ op: 'serverSideEmit', event: 'whoami' });
    // Asked right away, it may still count as alive: then the call times out naming it.
    if (!first.ok)
      expect(first).toMatchObject({ name: 'ClusterTimeoutError', missing: [nodes.get(b)] });
    await eventually(async () => Date.now() - killedAt >= TIMEOUT_MS);
    for (const asker of [a, c, d]) {
      const outcome = await asker.call({ op: 'fetchAll' });
      expect(outcome).toMatchObject({ ok: true });
      expect(outcome.ms).toBeLessThan(TIMEOUT_MS);
      expect(
        new Set((outcome as { value: { node: string }[] }).value.map((m) => m.node)).has(
          nodes.get(b)!,
        ),
      ).toBe(false);
    }
    const after = answers(await a.call({ op: 'serverSideEmit', event: 'whoami' }));
    expect(after.map((x) => x.node).sort()).toEqual([nodes.get(c), nodes.get(d)].sort());
  }, 30000);
});

describeRedis(
  'cluster-wide operations across real processes on a Redis Cluster (sharded pub/sub)',
  () => {
    let cluster: RedisCluster;
    let compiled: string;
    let children: ClusterChild[];
    let nodes: Map<ClusterChild, string>;

    beforeAll(async () => {
      compiled = compileGatewayProcess(CLUSTER_CHILD_FILES);
      cluster = await RedisCluster.start(3);
      ({ children, nodes } = await startChildren(
        compiled,
        { REDIS_CLUSTER_PORTS: cluster.ports.join(',') },
        3,
      ));
    }, 60000);

    afterAll(async () => {
      await Promise.all(children.map((child) => child.kill()));
      for (const child of children) expect(child.stderr).toBe('');
      await cluster.stop();
      removeCompiled(compiled);
    }, 30000);

    it('fetchAll and serverSideEmit reach every process, and a killed one is not waited for', async () => {
      const [a, b, c] = children;
      const ann = await connect(b.url('lobby', 'ann'));
      await eventually(async () => {
        const outcome = await a.call({ op: 'fetchAll', room: 'lobby' });
        return outcome.ok && (outcome.value as unknown[]).length === 1;
      });
      const all = (await c.call({ op: 'fetchAll' })) as {
        value: { node: string; data: { name: string } }[];
      };
      expect(all.value).toEqual([
        expect.objectContaining({
          node: nodes.get(b),
          data: expect.objectContaining({ name: 'ann' }),
        }),
      ]);
      const boom = await a.call({ op: 'serverSideEmit', event: 'boom' });
      expect(answers(boom).map((x) => x.ok)).toEqual([false, false]);

      await c.kill();
      ann.socket.terminate();
      await eventually(async () => {
        const outcome = await a.call({ op: 'serverSideEmit', event: 'whoami' });
        return outcome.ok && answers(outcome).length === 1 && outcome.ms < TIMEOUT_MS;
      });
    }, 60000);
  },
);
