import type { AdapterChannel, Broadcast } from '../../../src/gateway/adapter';
import { channelKeys } from '../../../src/redis/channel-keys';
import { ChannelReader } from '../../../src/redis/channel-reader';
import type { PublishingClient } from '../../../src/redis/publish-script';
import { encodeFrame } from '../../../src/redis/redis-wire';
import { broadcast, recordingLogger, type LogEntry } from '../../support/recording-channel';

type Meta = (string | null)[];
type Entries = [string, string[]][];

/** Answers reads from queued answers (an Error rejects); with none queued, the read waits. */
class ScriptedReads implements PublishingClient {
  status = 'ready';
  readonly metas: (Meta | Error)[] = [];
  readonly ranges: (Entries | Error)[] = [];
  private waiting: (() => void)[] = [];

  eval(): Promise<unknown> {
    throw new Error('not used');
  }

  hmget(): Promise<Meta> {
    return this.answer(this.metas);
  }

  xrange(): Promise<Entries> {
    return this.answer(this.ranges);
  }

  /** Lets reads that waited for an answer look again. */
  release(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }

  private answer<T>(queue: (T | Error)[]): Promise<T> {
    return new Promise((resolve, reject) => {
      const look = () => {
        const next = queue.shift();
        if (next === undefined) this.waiting.push(look);
        else if (next instanceof Error) reject(next);
        else resolve(next);
      };
      look();
    });
  }
}

const line = (epoch: string, offset: number, text: string, sender = 'other') =>
  `${epoch} ${offset}\n${encodeFrame(sender, offset, broadcast(text))}`;
const entry = (epoch: string, offset: number, text: string): [string, string[]] => [
  `${offset}-0`,
  ['m', line(epoch, offset, text)],
];
const flush = () => new Promise((resolve) => setImmediate(resolve));

function reader() {
  const client = new ScriptedReads();
  const delivered: string[] = [];
  const lost: number[] = [];
  const logs: LogEntry[] = [];
  const malformed: string[] = [];
  const channel: AdapterChannel = {
    path: '/x',
    log: recordingLogger(logs),
    deliver: (b: Broadcast) => delivered.push(String(b.payload)),
  };
  const subject = new ChannelReader(channelKeys('p', '/x'), {
    id: 'me',
    client,
    channel,
    received: () => undefined,
    lost: (_, count) => lost.push(count),
    malformed: (_, message) => malformed.push(message),
  });
  return { client, subject, delivered, lost, malformed };
}

describe('ChannelReader', () => {
  it('starts after the head it reads once Redis answers, when it could read neither head nor subscription at first', async () => {
    const { client, subject, delivered } = reader();
    client.metas.push(new Error('down'));
    subject.start(Promise.reject(new Error('down')));
    await flush();
    expect(subject.stale).toBe(true);
    client.metas.push(['e1', '5'], ['e1', '5']);
    client.ranges.push([entry('e1', 1, 'old')], []);
    await subject.resync();
    subject.onMessage(line('e1', 6, 'six'));
    expect(delivered).toEqual(['six']);
  });

  it('reads again later when Redis goes away in the middle of a read', async () => {
    const { client, subject, delivered } = reader();
    client.metas.push(['e1', '1'], ['e1', '1']);
    client.ranges.push(new Error('connection lost'));
    subject.start(Promise.resolve());
    await flush();
    expect(subject.stale).toBe(true);
    client.ranges.push([entry('e1', 2, 'two')]);
    client.metas.push(['e1', '2']);
    await subject.resync();
    expect(delivered).toEqual(['two']);
  });

  it('reads nothing while its client reconnects (no command waits in the offline queue), then catches up on resync', async () => {
    const { client, subject, delivered } = reader();
    client.metas.push(['e1', '1'], ['e1', '1']);
    client.ranges.push([]);
    subject.start(Promise.resolve());
    await subject.started;
    const sent = [jest.spyOn(client, 'hmget'), jest.spyOn(client, 'xrange')];
    client.status = 'connecting';
    subject.onMessage(line('e1', 4, 'four')); // a gap, heard while the publisher is away
    await flush();
    expect(subject.stale).toBe(true);
    for (const command of sent) expect(command).not.toHaveBeenCalled();
    client.status = 'ready';
    client.metas.push(['e1', '4']);
    client.ranges.push([entry('e1', 2, 'two'), entry('e1', 3, 'three'), entry('e1', 4, 'four')]);
    await subject.resync();
    expect(delivered).toEqual(['two', 'three', 'four']);
  });

  it('counts as lost what the head says exists but the history no longer has', async () => {
    const { client, subject, delivered, lost } = reader();
    client.metas.push(['e1', '3'], ['e1', '3']);
    client.ranges.push([]);
    subject.start(Promise.resolve());
    await subject.started;
    client.metas.push(['e1', '7']);
    client.ranges.push([]); // trimmed or expired: nothing left from 4 on
    subject.onMessage(line('e1', 7, 'seven'));
    await flush();
    await flush();
    subject.onMessage(line('e1', 8, 'eight'));
    expect(lost).toEqual([4]);
    expect(delivered).toEqual(['eight']);
  });

  it('counts what it heard of an old epoch but never delivered when the channel starts a new one', async () => {
    const { client, subject, delivered, lost, malformed } = reader();
    client.metas.push(['e1', '0'], ['e1', '0']);
    client.ranges.push([]);
    subject.start(Promise.resolve());
    await subject.started;
    subject.onMessage(line('e1', 3, 'three')); // gap: reading 1..3
    subject.onMessage(line('e1', 4, 'four')); // heard while reading
    subject.onMessage(line('e2', 1, 'new')); // another epoch, while reading
    client.metas.push(['e2', '2'], ['e2', '2']);
    client.ranges.push([], [entry('e2', 1, 'new'), ['2-0', []]]);
    client.release();
    await flush();
    await flush();
    expect(lost).toEqual([4]);
    expect(delivered).toEqual(['new']);
    expect(malformed).toEqual(['']);
  });

  it('reads the head from scratch when neither its epoch nor its offset existed, and ignores everything once closed', async () => {
    const { client, subject, delivered } = reader();
    client.metas.push(new Error('down'), [null, null]);
    client.ranges.push([]);
    subject.start(Promise.resolve());
    await flush();
    client.metas.push(['e1', '0'], ['e1', '0']); // the channel got its counter meanwhile
    client.ranges.push([], []);
    client.release();
    await subject.started;
    subject.onMessage(line('e1', 1, 'one'));
    subject.close();
    subject.onMessage(line('e1', 2, 'two'));
    await subject.resync();
    expect(delivered).toEqual(['one']);
  });

  it('remembers a bounded number of senders for duplicate detection', async () => {
    const { client, subject, delivered } = reader();
    client.metas.push(['e1', '0'], ['e1', '0']);
    client.ranges.push([]);
    subject.start(Promise.resolve());
    await subject.started;
    for (let i = 1; i <= 1001; i++) subject.onMessage(line('e1', i, `s${i}`, `sender-${i}`));
    // sender-1 was forgotten: its repeat is taken for new (the offset is what keeps order).
    subject.onMessage(`e1 1002\n${encodeFrame('sender-1', 1, broadcast('s1 again'))}`);
    subject.onMessage(`e1 1003\n${encodeFrame('sender-1001', 1001, broadcast('repeat'))}`);
    expect(delivered).toHaveLength(1002);
    expect(delivered.at(-1)).toBe('s1 again');
  });

  it('reads again when frames were heard live while it read the history', async () => {
    const { client, subject, delivered } = reader();
    client.metas.push(['e1', '0'], ['e1', '0']);
    client.ranges.push([]);
    subject.start(Promise.resolve());
    await subject.started;
    subject.onMessage(line('e1', 2, 'two')); // 1 missing: read
    subject.onMessage(line('e1', 4, 'four')); // heard while reading
    client.metas.push(['e1', '2'], ['e1', '4']);
    client.ranges.push(
      [entry('e1', 1, 'one'), entry('e1', 2, 'two')],
      [entry('e1', 3, 'three'), entry('e1', 4, 'four')],
    );
    client.release();
    await flush();
    await flush();
    expect(delivered).toEqual(['one', 'two', 'three', 'four']);
  });
});
