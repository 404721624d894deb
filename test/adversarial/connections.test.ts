import { IsString } from 'class-validator';
import {
  ConnectedSocket,
  Gateway,
  GatewayServer,
  MessageBody,
  OnClose,
  OnConnect,
  OnMessage,
  type Connection,
} from '../../src';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { Tally } from './support/tally';
import { TestClient, errorCode } from '../support/test-client';
import { within } from '../support/waiting';

const WAVES = 5;
const PER_WAVE = 100;
const GOOD_ORIGIN = 'https://app.example';

@Gateway('/count')
class CountingGateway {
  static server: GatewayServer | undefined;
  static readonly connects = new Tally<string>();
  static readonly closes = new Tally<string>();

  constructor(server: GatewayServer) {
    CountingGateway.server = server;
  }

  @OnConnect()
  joined(@ConnectedSocket() conn: Connection): void {
    CountingGateway.connects.add(conn.id);
  }

  @OnClose()
  left(@ConnectedSocket() conn: Connection): void {
    CountingGateway.closes.add(conn.id);
  }
}

@Gateway('/origin', { allowedOrigins: [GOOD_ORIGIN] })
class OriginGateway {
  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }
}

class ProfileDto {
  @IsString()
  name!: string;
}

@Gateway('/profile')
class ProfileGateway {
  @OnMessage('save')
  save(@MessageBody() body: ProfileDto): { name: string; keys: string[] } {
    return { name: body.name, keys: Object.keys(body) };
  }
}

describe('connections', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([CountingGateway, OriginGateway, ProfileGateway]);
  });
  afterAll(() => harness.close());

  it(`${WAVES} waves of ${PER_WAVE} connections: every @OnConnect has one @OnClose, none left`, async () => {
    const { connects, closes } = CountingGateway;
    for (let wave = 1; wave <= WAVES; wave++) {
      const clients = await Promise.all(
        Array.from({ length: PER_WAVE }, () => TestClient.open(harness.url('/count'))),
      );
      await connects.reach(wave * PER_WAVE, 5_000, `wave ${wave} connected`);
      // Half leave politely, half vanish without a close frame.
      clients.forEach((client, i) =>
        i % 2 === 0 ? client.socket.close(1000) : client.socket.terminate(),
      );
      await within(
        Promise.all(clients.map((client) => client.closed)),
        5_000,
        `wave ${wave} closed`,
      );
      await closes.reach(wave * PER_WAVE, 5_000, `wave ${wave} @OnClose`);
    }
    expect(connects.items).toHaveLength(WAVES * PER_WAVE);
    expect(new Set(connects.items).size).toBe(WAVES * PER_WAVE);
    expect([...closes.items].sort()).toEqual([...connects.items].sort());
    expect(CountingGateway.server!.fetchConnections()).toHaveLength(0);
    await harness.expectPolitePrompt();
  }, 40_000);

  it('an upgrade from a foreign Origin is refused with 403; the allowed one is served', async () => {
    const foreign = new TestClient(harness.url('/origin'), { origin: 'https://evil.example' });
    await expect(foreign.opened).rejects.toThrow('Unexpected server response: 403');
    const allowed = await harness.client('/origin', { origin: GOOD_ORIGIN });
    expect((await allowed.request('echo', 'hi')).data).toBe('hi');
    await harness.expectPolitePrompt();
  });

  it.each([
    ['__proto__', '{"name":"a","__proto__":{"polluted":true}}'],
    ['constructor', '{"name":"a","constructor":{"prototype":{"polluted":true}}}'],
    ['prototype', '{"name":"a","prototype":{"polluted":true}}'],
  ])(
    'a body with a %s key is validation_failed and Object.prototype is untouched',
    async (_, body) => {
      const before = Object.getOwnPropertyNames(Object.prototype).sort();
      const client = await harness.client('/profile');
      client.send(`{"event":"save","data":${body},"id":1}`);
      const answer = await client.waitFor((frame) => frame.id === 1, 2_000, 'answer');
      expect(errorCode(answer)).toBe('validation_failed');
      expect(answer.raw).not.toContain('polluted');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
      // A clean body is still accepted on the same connection.
      expect((await client.request('save', { name: 'b' })).data).toEqual({
        name: 'b',
        keys: ['name'],
      });
      await harness.expectPolitePrompt();
      recordFigures(expect.getState().testPath!, {
        frames: 1,
        tried: ['__proto__/constructor/prototype keys in a body'],
      });
    },
  );

  it('a __proto__ key on the envelope itself pollutes nothing', async () => {
    const client = await harness.client('/profile');
    client.send('{"event":"save","__proto__":{"polluted":true},"data":{"name":"c"},"id":2}');
    const answer = await client.waitFor((frame) => frame.id === 2, 2_000, 'answer');
    expect(answer.event === 'save' || errorCode(answer) === 'bad_frame').toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: 1,
      tried: ['a __proto__ key on the envelope'],
    });
  });
});
