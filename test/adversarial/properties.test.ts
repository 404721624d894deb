import fc from 'fast-check';
import { Gateway, MessageBody, OnMessage, WsException } from '../../src';
import { recordFigures } from './support/figures';
import { startHarness, type Harness } from './support/harness';
import { CLOSE_CODES, WIRE_CODES, expectedFor } from './support/oracle';
import { TestClient, errorCode, uniqueId, type ServerFrame } from '../support/test-client';

const SEED = 5;
const RUNS = 150;

/** A user error code the fuzzed gateway throws on purpose: documented by its own handler. */
const USER_CODE = 'teapot';
const HANDLED_EVENTS = ['echo', 'void', 'boom', USER_CODE] as const;

@Gateway('/fuzz', { limits: { ratePerSecond: Infinity } })
class FuzzGateway {
  @OnMessage('echo')
  echo(@MessageBody() body: unknown): unknown {
    return body;
  }

  @OnMessage('void')
  nothing(): void {}

  @OnMessage('boom')
  async boom(): Promise<never> {
    throw new Error('handler bug');
  }

  @OnMessage(USER_CODE)
  teapot(): never {
    throw new WsException(USER_CODE, 'I am a teapot');
  }
}

type Outcome =
  | { readonly closed: number }
  | { readonly answers: readonly ServerFrame[]; readonly reply?: ServerFrame };

/** An answer the spec allows: a reply to a handled event, or an error with a documented code. */
function isDocumented(frame: ServerFrame): boolean {
  if (frame.event === 'error') return [...WIRE_CODES, USER_CODE].includes(errorCode(frame)!);
  return (HANDLED_EVENTS as readonly string[]).includes(frame.event!);
}

describe('fast-check properties (fixed seed)', () => {
  let harness: Harness;
  let client: TestClient;
  let frames = 0;

  /** Sends one frame, then an echo sentinel; returns what came back before the sentinel, or the close. */
  async function exchange(
    send: (client: TestClient) => void,
    id?: string | number,
  ): Promise<Outcome> {
    if (!client.isOpen) client = await harness.client('/fuzz');
    const target = client;
    const start = target.frames.length;
    send(target);
    frames++;
    const sentinel = uniqueId();
    target.send({ event: 'echo', data: 'sentinel', id: sentinel });
    try {
      const done = await target.waitFor((frame) => frame.id === sentinel, 2_000, 'sentinel');
      const answers = target.frames.slice(start).filter((frame) => frame !== done);
      return { answers, reply: id === undefined ? undefined : answers.find((f) => f.id === id) };
    } catch (error) {
      if (target.isOpen) throw error;
      return { closed: (await target.closed).code };
    }
  }

  beforeAll(async () => {
    harness = await startHarness([FuzzGateway]);
    client = await harness.client('/fuzz');
  });
  afterAll(async () => {
    recordFigures(expect.getState().testPath!, { frames });
    await harness.close();
  });

  it('any byte string as a text frame: documented answers, or close 1007 for invalid UTF-8', async () => {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), async (bytes) => {
        const buffer = Buffer.from(bytes);
        const outcome = await exchange((target) => target.sendTextBytes(buffer));
        let text: string | undefined;
        try {
          text = utf8.decode(buffer);
        } catch {
          expect(outcome).toEqual({ closed: 1007 });
          return;
        }
        expect('answers' in outcome).toBe(true);
        if (!('answers' in outcome)) return;
        expect(outcome.answers.filter((frame) => !isDocumented(frame))).toEqual([]);
        if (expectedFor(text) === 'bad_frame') {
          expect(outcome.answers.map(errorCode)).toEqual(['bad_frame']);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    await harness.expectPolitePrompt();
  }, 30_000);

  it('any JSON value as a frame: bad_frame unless it is an envelope, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const text = JSON.stringify(value) ?? 'null';
        const outcome = await exchange((target) => target.send(text));
        if ('closed' in outcome) {
          expect(CLOSE_CODES).toContain(outcome.closed);
          return;
        }
        expect(outcome.answers.filter((frame) => !isDocumented(frame))).toEqual([]);
        if (expectedFor(text) === 'bad_frame') {
          expect(outcome.answers.map(errorCode)).toEqual(['bad_frame']);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    await harness.expectPolitePrompt();
  }, 30_000);

  it('any envelope with an id gets exactly one frame with that id: a reply or a documented error', async () => {
    const event = fc.oneof(fc.constantFrom(...HANDLED_EVENTS), fc.string({ maxLength: 20 }));
    const id = fc.oneof(fc.integer(), fc.string({ maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(event, fc.jsonValue({ maxDepth: 5 }), id, async (name, data, requestId) => {
        const outcome = await exchange(
          (target) => target.send({ event: name, data, id: requestId }),
          requestId,
        );
        if ('closed' in outcome)
          throw new Error(`closed with ${outcome.closed} on a valid envelope`);
        const withId = outcome.answers.filter((frame) => frame.id === requestId);
        expect(withId).toHaveLength(1);
        const [answer] = withId;
        expect(isDocumented(answer)).toBe(true);
        if (name === 'echo')
          expect(answer).toMatchObject({ event: 'echo', data: JSON.parse(JSON.stringify(data)) });
        else if (name === 'void') expect(answer).toMatchObject({ event: 'void', data: null });
        else if (name === 'boom') expect(errorCode(answer)).toBe('internal_error');
        else if (name === USER_CODE) expect(errorCode(answer)).toBe(USER_CODE);
        else expect(errorCode(answer)).toBe('unknown_event');
      }),
      { seed: SEED, numRuns: RUNS },
    );
    await harness.expectPolitePrompt();
  }, 30_000);
});
