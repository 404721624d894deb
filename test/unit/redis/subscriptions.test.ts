import { channelKeys } from '../../../src/redis/channel-keys';
import type { ChannelReader } from '../../../src/redis/channel-reader';
import { Subscriptions, type SubscribingClient } from '../../../src/redis/subscriptions';

/** Records the subscribing commands; unsubscribes fail while `dropping` (a connection that died). */
class RecordingClient implements SubscribingClient {
  status = 'ready';
  dropping = false;
  readonly sent: string[] = [];

  subscribe(channel: string): Promise<unknown> {
    this.sent.push(`+${channel}`);
    return Promise.resolve(1);
  }

  unsubscribe(channel: string): Promise<unknown> {
    this.sent.push(`-${channel}`);
    return this.dropping ? Promise.reject(new Error('Connection is closed.')) : Promise.resolve(0);
  }

  ssubscribe(channel: string): Promise<unknown> {
    return this.subscribe(channel);
  }

  sunsubscribe(channel: string): Promise<unknown> {
    return this.unsubscribe(channel);
  }
}

const reader = (room: string) =>
  ({
    keys: channelKeys('p', '/x', room),
    resync: async () => undefined,
  }) as unknown as ChannelReader;

describe('Subscriptions', () => {
  it('unsubscribes again, once the client is back, a channel whose unsubscribe died with the connection', async () => {
    const client = new RecordingClient();
    const subscriptions = new Subscriptions(client, false);
    const [a, b] = [reader('a'), reader('b')];
    await subscriptions.add(a);
    await subscriptions.add(b);
    client.dropping = true;
    await subscriptions.remove(a);
    await subscriptions.remove(b);
    await subscriptions.add(reader('b')); // wanted again meanwhile: kept
    client.dropping = false;
    client.sent.length = 0;
    subscriptions.resubscribe();
    expect(client.sent).toEqual(['-{p:/x#a}', '+{p:/x#b}']);
  });
});
