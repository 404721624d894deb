import type { SessionRecord } from '../../../src/gateway/adapter';
import {
  RedisSessions,
  refreshMs,
  sessionKey,
  type SessionClient,
  type SessionShareContext,
} from '../../../src/redis/session-share';

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A client that records commands and answers from `answers` (or fails when told to). */
function fakeClient() {
  const sent: string[][] = [];
  const client = {
    status: 'ready',
    fail: false,
    stored: null as string | null | Error,
    set: async (key: string, value: string, px: string, ms: number) => {
      sent.push(['set', key, value, px, String(ms)]);
      if (client.fail) throw new Error('down');
    },
    del: async (key: string) => {
      sent.push(['del', key]);
      if (client.fail) throw new Error('down');
    },
    getdel: async (key: string) => {
      sent.push(['getdel', key]);
      if (client.stored instanceof Error) throw client.stored;
      return client.stored;
    },
  };
  return { client, sent };
}

const record = (rooms: string[] = ['a']): SessionRecord => ({
  id: 'c-1',
  principal: undefined,
  rooms,
  data: { nick: 'n' },
});

function makeShare(positions: Record<string, string | null> = { '': '- 0', a: 'e 3' }) {
  const { client, sent } = fakeClient();
  let known: () => void = () => undefined;
  const context: SessionShareContext = {
    client: client as unknown as SessionClient,
    prefix: 'p',
    path: '/r/:room',
    node: 'node-1',
    maxDisconnectionMs: 10_000,
    mark: () => ({ o: positions }),
    known: () => new Promise<void>((resolve) => (known = resolve)),
    complete: async () => true,
    missed: async () => [],
  };
  const share = new RedisSessions(context);
  return { share, client, sent, context, known: () => known() };
}

describe('RedisSessions', () => {
  it('writes a new session at once, under its hash, with a TTL of maxDisconnectionMs and a margin', async () => {
    const { share, sent } = makeShare();
    share.keep('h1', () => record());
    share.keep('h2', () => record());
    await settle();
    expect(sent.map(([command, key]) => [command, key])).toEqual([
      ['set', sessionKey('p', '/r/:room', 'h1')],
      ['set', sessionKey('p', '/r/:room', 'h2')],
    ]);
    expect(JSON.parse(sent[0][2])).toEqual({
      v: 1,
      n: 'node-1',
      s: record(),
      m: { o: { '': '- 0', a: 'e 3' } },
    });
    expect(sent[0].slice(3)).toEqual(['PX', String(10_000 + 5000 + 1000)]);
    expect(share.size).toBe(2);
  });

  it('batches changes to the tick, refreshes unchanged sessions, and removes dropped ones', async () => {
    const { share, sent } = makeShare();
    share.keep('h1', () => record());
    await settle();
    sent.length = 0;
    share.touch('h1');
    share.touch('unknown');
    share.touch('h1');
    await settle();
    expect(sent).toEqual([]); // not before the tick
    share.tick(Date.now());
    expect(sent.map(([command]) => command)).toEqual(['set']);
    share.tick(Date.now()); // nothing changed, nothing due
    expect(sent).toHaveLength(1);
    share.tick(Date.now() + refreshMs(10_000));
    expect(sent).toHaveLength(2);
    share.drop('h1');
    share.drop('h1');
    await settle();
    expect(sent.at(-1)).toEqual(['del', sessionKey('p', '/r/:room', 'h1')]);
    expect(share.size).toBe(0);
  });

  it('writes again what Redis refused, but not what was dropped meanwhile; sends nothing while not ready', async () => {
    const { share, client, sent } = makeShare();
    client.status = 'reconnecting';
    share.keep('h1', () => record());
    share.keep('h2', () => record());
    await settle();
    expect(sent).toEqual([]);
    client.status = 'ready';
    client.fail = true;
    share.tick(Date.now());
    share.drop('h2'); // refused, then dropped: not written again
    await settle();
    await settle();
    client.fail = false;
    sent.length = 0;
    share.tick(Date.now());
    // h2's refused write is not repeated; its refused delete is.
    expect(sent.map(([command, key]) => [command, key.slice(-3)])).toEqual([
      ['del', 'h2}'],
      ['set', 'h1}'],
    ]);
  });

  it('deletes again what Redis refused to delete, unless the token is kept again', async () => {
    const { share, client, sent } = makeShare();
    share.keep('h1', () => record());
    share.keep('h2', () => record());
    await settle();
    client.fail = true;
    share.drop('h1');
    share.drop('h2');
    await settle();
    share.keep('h2', () => record());
    await settle();
    client.fail = false;
    sent.length = 0;
    share.tick(Date.now());
    expect(sent.map(([command, key]) => [command, key.slice(-3)]).sort()).toEqual([
      ['del', 'h1}'],
      ['set', 'h2}'],
    ]);
  });

  it('writes every kept session again when Redis is back', async () => {
    const { share, sent } = makeShare();
    share.keep('h1', () => record());
    await settle();
    share.rewrite();
    await settle();
    expect(sent.map(([command]) => command)).toEqual(['set', 'set']);
  });

  it('writes a session again once a room it just joined has a position', async () => {
    const { share, sent, known } = makeShare({ '': '- 0', a: null });
    share.keep('h1', () => record());
    await settle();
    expect(sent).toHaveLength(1);
    known();
    await settle();
    await settle();
    expect(sent).toHaveLength(2);
  });

  it('claims a token once: a valid record, or nothing for a missing key, garbage, an error or a client not ready', async () => {
    const { share, client } = makeShare();
    const valid = { v: 1, n: 'node-2', s: record(), m: { o: {} } };
    client.stored = JSON.stringify(valid);
    expect(await share.claim('h1')).toEqual({ node: 'node-2', record: record(), mark: { o: {} } });
    const bad: unknown[] = [
      null,
      'not json',
      'null',
      JSON.stringify({ ...valid, v: 2 }),
      JSON.stringify({ ...valid, n: 3 }),
      JSON.stringify({ ...valid, s: { ...record(), id: 1 } }),
      JSON.stringify({ ...valid, s: { ...record(), principal: null } }),
      JSON.stringify({ ...valid, s: { ...record(), rooms: 'a' } }),
      JSON.stringify({ ...valid, s: { ...record(), rooms: [1] } }),
      JSON.stringify({ ...valid, s: { ...record(), data: 'x' } }),
      JSON.stringify({ ...valid, s: { ...record(), data: null } }),
      new Error('down'),
    ];
    for (const stored of bad) {
      client.stored = stored as string;
      expect(await share.claim('h1')).toBeUndefined();
    }
    client.stored = JSON.stringify({ ...valid, s: { ...record(), principal: '"u1"' } });
    expect((await share.claim('h1'))?.record.principal).toBe('"u1"');
    client.status = 'connecting';
    expect(await share.claim('h1')).toBeUndefined();
  });

  it('passes marks, completeness and missed broadcasts through to its link', async () => {
    const { share } = makeShare();
    expect(share.mark(['a'])).toEqual({ o: { '': '- 0', a: 'e 3' } });
    expect(await share.complete({}, [])).toBe(true);
    expect(await share.missed({}, [])).toEqual([]);
  });

  it('on close removes the sessions that ended, then sends nothing more', async () => {
    const { share, sent } = makeShare();
    share.keep('h1', () => record());
    share.keep('h2', () => record());
    share.drop('h2');
    share.close();
    expect(sent.map(([command]) => command)).toEqual(['del']);
    share.keep('h3', () => record());
    await settle();
    share.tick(Date.now());
    expect(sent).toHaveLength(1);
  });

  it('refreshes every half maxDisconnectionMs, between half a second and 30 s', () => {
    expect(refreshMs(100)).toBe(500);
    expect(refreshMs(10_000)).toBe(5000);
    expect(refreshMs(600_000)).toBe(30_000);
  });
});
