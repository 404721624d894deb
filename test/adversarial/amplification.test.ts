import { Type } from 'class-transformer';
import { IsArray, IsString, ValidateNested } from 'class-validator';
import { Gateway, MessageBody, OnMessage } from '../../src';
import { MAX_DETAILS } from '../../src/gateway/validation';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { errorCode, uniqueId, type TestClient } from '../support/test-client';

class ItemDto {
  @IsString() n!: string;
}

class OrderDto {
  @IsArray() @ValidateNested({ each: true }) @Type(() => ItemDto) items!: ItemDto[];
}

/** Default limits: 64 KB frames, 100 burst, 50 messages per second. */
@Gateway('/orders')
class OrderGateway {
  @OnMessage('order') order(@MessageBody() body: OrderDto): number {
    return body.items.length;
  }
}

/** ~50 KB: 6,300 nested items, each invalid (a number where a string is required). */
const HOSTILE = { items: Array.from({ length: 6_300 }, () => ({ n: 1 })) };
const ATTACK_MS = 3_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Round trips of `client` for `ms`, in ms each: one echo request at a time, at most one per
 * 25 ms so the neighbour itself stays under its 50 messages a second.
 */
async function roundTrips(client: TestClient, ms: number): Promise<number[]> {
  const times: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const started = performance.now();
    await client.request('echo', times.length, 10_000);
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return times;
}

describe('validation amplification', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness([OrderGateway]);
  });
  afterAll(() => harness.close());

  it('an invalid 6,300-item body gets a small reply that lists a bounded number of details', async () => {
    const attacker = await harness.client('/orders');
    const reply = await attacker.request('order', HOSTILE, 10_000);
    expect(errorCode(reply)).toBe('validation_failed');
    expect(reply.raw.length).toBeLessThan(8 * 1024);
    const details = (reply.data as { details: { path: string; constraints: object }[] }).details;
    expect(details).toHaveLength(MAX_DETAILS + 1);
    expect(details[0]).toEqual({
      path: 'items.0.n',
      constraints: { isString: expect.any(String) },
    });
    expect(details[MAX_DETAILS]).toEqual({
      path: '',
      constraints: { truncated: `${6_300 - MAX_DETAILS} more failed properties not listed` },
    });
    recordFigures(expect.getState().testPath!, {
      frames: 1,
      tried: ['validation amplification: 6,300 invalid nested items in one frame'],
    });
  });

  it('a neighbour keeps its latency while another floods such bodies at the rate limit', async () => {
    const baseline = await roundTrips(harness.polite, 1_000);
    const attacker = await harness.client('/orders');
    const text = JSON.stringify({ event: 'order', data: HOSTILE, id: uniqueId() });
    let sent = 0;
    // 50 frames a second: exactly the default rate, never above it.
    const pump = setInterval(() => {
      if (attacker.isOpen) {
        attacker.send(text);
        sent++;
      }
    }, 20);
    let during: number[];
    try {
      during = await roundTrips(harness.polite, ATTACK_MS);
    } finally {
      clearInterval(pump);
    }
    // Unbounded, every such frame is validated and blocks the event loop for 70 ms to over a
    // second (this machine); charged for its size, the attacker gets one validated per burst's
    // refill (2 s at the defaults: 1 at once, 1 more in 3 s), and the rest is refused cheaply.
    const validated = attacker.frames.filter((frame) => errorCode(frame) === 'validation_failed');
    expect(validated.length).toBeLessThanOrEqual(2);
    expect(attacker.frames.filter((frame) => errorCode(frame) === 'rate_limited').length).toBe(
      attacker.frames.length - validated.length,
    );
    expect(sent).toBeGreaterThan(validated.length * 4);
    // Between those, the neighbour is answered about as fast as before (a generous margin: the
    // machine's load may change between the two measurements).
    expect(median(during)).toBeLessThan(median(baseline) + 500);
    await harness.expectPolitePrompt();
    recordFigures(expect.getState().testPath!, {
      frames: sent,
      tried: ['validation amplification: such frames at the rate limit next to a healthy client'],
    });
  }, 30_000);
});
