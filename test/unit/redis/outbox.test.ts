import { channelKeys } from '../../../src/redis/channel-keys';
import { Outbox, type OutboxBounds } from '../../../src/redis/outbox';
import type { PublishingClient } from '../../../src/redis/publish-script';

/** A publishing client whose answers the test gives, one by one, in the order of the calls. */
class ScriptedClient implements PublishingClient {
  status = 'ready';
  readonly calls: { message: string; channel: string; answer(ok: boolean): void }[] = [];

  eval(_script: string, _keys: number, ...args: (string | number)[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.calls.push({
        message: String(args[3]),
        channel: String(args[7]),
        answer: (ok) => (ok ? resolve(['e', 1]) : reject(new Error('refused'))),
      });
    });
  }

  hmget(): Promise<(string | null)[]> {
    throw new Error('not used');
  }

  xrange(): Promise<[string, string[]][]> {
    throw new Error('not used');
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function outbox(bounds: Partial<OutboxBounds> = {}) {
  const client = new ScriptedClient();
  const counts = { published: 0, dropped: 0 };
  const box = new Outbox({
    client,
    bounds: { maxFrames: 100, maxBytes: 1_000_000, maxAgeMs: 1000, ...bounds },
    history: { maxFrames: 10, ttlMs: 1000 },
    sharded: false,
    epochCandidate: () => 'e',
    published: () => counts.published++,
    dropped: (count) => (counts.dropped += count),
  });
  return { client, counts, box };
}

const a = channelKeys('p', '/x', 'a');
const b = channelKeys('p', '/x', 'b');

describe('Outbox', () => {
  it('sends again, first and in order, what Redis refused, once every frame in flight settled', async () => {
    const { client, counts, box } = outbox();
    box.push(a, 'a1', 0);
    box.push(b, 'b1', 0);
    box.push(a, 'a2', 0);
    client.calls[0].answer(false);
    await settle();
    box.push(a, 'a3', 0); // waits: a refusal stops sending until everything in flight settled
    expect(client.calls).toHaveLength(3);
    client.calls[1].answer(true);
    client.calls[2].answer(false);
    await settle();
    expect(client.calls).toHaveLength(3); // not at once: the next pump (tick or 'ready') sends
    box.pump();
    expect(client.calls.slice(3).map((call) => call.message)).toEqual(['a1', 'a2', 'a3']);
    expect(counts).toEqual({ published: 1, dropped: 0 });
  });

  it('drops a refused frame whose channel already took a later one, and counts it', async () => {
    const { client, counts, box } = outbox();
    box.push(a, 'a1', 0);
    box.push(a, 'a2', 0);
    client.calls[0].answer(false);
    client.calls[1].answer(true);
    await settle();
    box.pump();
    expect(client.calls).toHaveLength(2);
    expect(counts).toEqual({ published: 1, dropped: 1 });
    expect(box.oldestUnanswered()).toBeUndefined();
  });

  it('bounds the frames not yet answered by count, characters and age, dropping the oldest waiting', async () => {
    const { client, counts, box } = outbox({ maxFrames: 3, maxBytes: 10, maxAgeMs: 100 });
    client.status = 'reconnecting';
    for (let i = 0; i < 5; i++) box.push(a, `f${i}`, 0);
    expect(counts.dropped).toBe(2);
    box.push(a, 'x'.repeat(9), 0); // 6 + 9 characters > 10
    expect(counts.dropped).toBe(5);
    box.push(a, 'old', 10);
    box.push(a, 'late', 50);
    box.expire(120); // the frame of t=10 is older than 100 ms; the one of t=50 is not
    expect(counts.dropped).toBe(7);
    expect(box.oldestUnanswered()).toBe(50);
    client.status = 'ready';
    box.pump();
    expect(client.calls.map((call) => call.message)).toEqual(['late']);
    expect(box.stalledFor(Date.now() + 10)).toBeGreaterThanOrEqual(10);
  });

  it('keeps its arrays compact over long runs', async () => {
    const { client, counts, box } = outbox({ maxFrames: 5000 });
    for (let i = 0; i < 3000; i++) box.push(a, `f${i}`, 0);
    for (const call of client.calls) call.answer(true);
    await settle();
    expect(counts.published).toBe(1000);
    for (let round = 0; round < 2; round++) {
      const from = client.calls.length - 1000;
      for (const call of client.calls.slice(from)) call.answer(true);
      await settle();
    }
    expect(counts.published).toBe(3000);
    expect(box.oldestUnanswered()).toBeUndefined();
    expect(box.stalledFor(Date.now())).toBe(0);
  });
});
