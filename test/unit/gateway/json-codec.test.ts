import fc from 'fast-check';
import { exceedsDepth, jsonCodec } from '../../../src/gateway/json-codec';

const text = (value: string) => Buffer.from(value, 'utf8');
const decode = (value: string, maxDepth = 32) => jsonCodec.decode(text(value), false, maxDepth);

describe('exceedsDepth', () => {
  it('counts the envelope: {"event":"x","data":{}} has depth 2', () => {
    const frame = '{"event":"x","data":{}}';
    expect(exceedsDepth(frame, 2)).toBe(false);
    expect(exceedsDepth(frame, 1)).toBe(true);
  });

  it('counts arrays and objects alike', () => {
    expect(exceedsDepth('[[{"a":[1]}]]', 4)).toBe(false);
    expect(exceedsDepth('[[{"a":[1]}]]', 3)).toBe(true);
  });

  it('measures the deepest point, not the number of brackets', () => {
    expect(exceedsDepth('[{},{},{},[],[]]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, honouring escaped quotes and backslashes', () => {
    expect(exceedsDepth('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(exceedsDepth('{"a":"\\"[[[["}', 1)).toBe(false);
    expect(exceedsDepth('{"a":"\\\\","b":[[1]]}', 2)).toBe(true);
  });

  it('handles 100 000 levels without recursion', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(exceedsDepth(deep, 32)).toBe(true);
    expect(exceedsDepth(deep, 100_000)).toBe(false);
  });
});

describe('jsonCodec.decode', () => {
  it('decodes an envelope with data and id', () => {
    expect(decode('{"event":"say","data":{"text":"hi"},"id":7}')).toEqual({
      ok: true,
      frame: { event: 'say', data: { text: 'hi' }, id: 7 },
    });
    expect(decode('{"event":"say","data":1,"id":"a-1"}')).toEqual({
      ok: true,
      frame: { event: 'say', data: 1, id: 'a-1' },
    });
  });

  it('omits id when the frame has none, and leaves a missing data undefined', () => {
    const result = decode('{"event":"ping"}');
    expect(result).toEqual({ ok: true, frame: { event: 'ping' } });
    expect(result.ok && 'id' in result.frame).toBe(false);
  });

  it('refuses binary messages', () => {
    expect(jsonCodec.decode(text('{"event":"x"}'), true, 32)).toEqual({ ok: false });
  });

  it('refuses frames deeper than maxDepth, envelope included, before parsing', () => {
    expect(decode('{"event":"x","data":{}}', 2).ok).toBe(true);
    expect(decode('{"event":"x","data":{},"id":1}', 1)).toEqual({ ok: false });
    const parse = jest.spyOn(JSON, 'parse');
    try {
      decode('{"event":"x","data":' + '['.repeat(50) + ']'.repeat(50) + '}');
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses unparsable text', () => {
    expect(decode('{"event":')).toEqual({ ok: false });
    expect(decode('')).toEqual({ ok: false });
  });

  it.each(['[]', 'null', '"say"', '42', 'true'])('refuses %s: not an object', (frame) => {
    expect(decode(frame)).toEqual({ ok: false });
  });

  it('keeps a readable id when event is missing or not a string', () => {
    expect(decode('{"data":{},"id":3}')).toEqual({ ok: false, id: 3 });
    expect(decode('{"event":5,"id":"r1"}')).toEqual({ ok: false, id: 'r1' });
    expect(decode('{"event":null}')).toEqual({ ok: false });
  });

  it.each(['null', 'true', '{}', '[1]', '1e999'])(
    'refuses an id of %s, without echoing it',
    (id) => {
      expect(decode(`{"event":"say","id":${id}}`)).toEqual({ ok: false });
      expect(decode(`{"id":${id}}`)).toEqual({ ok: false });
    },
  );

  it('does not take event or id from the prototype chain of a __proto__ key', () => {
    const result = decode('{"__proto__":{"event":"say","id":1}}');
    expect(result).toEqual({ ok: false });
    expect(({} as Record<string, unknown>).event).toBeUndefined();
  });

  it('never throws, whatever the bytes (seeded property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.boolean(),
        fc.nat(40),
        (bytes, binary, depth) => {
          const result = jsonCodec.decode(Buffer.from(bytes), binary, depth);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('never throws on arbitrary or JSON-shaped strings, and round-trips envelopes (seeded property)', () => {
    const envelope = fc.record(
      {
        event: fc.string(),
        data: fc.jsonValue({ maxDepth: 5 }),
        id: fc.oneof(fc.string(), fc.integer()),
      },
      { requiredKeys: ['event'] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          envelope.map((frame) => JSON.stringify(frame)),
        ),
        (value) => {
          expect(typeof decode(value).ok).toBe('boolean');
        },
      ),
      { seed: 4243, numRuns: 2000 },
    );
    fc.assert(
      fc.property(envelope, (frame) => {
        const result = decode(JSON.stringify(frame), 64);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.frame).toEqual(JSON.parse(JSON.stringify(frame)));
      }),
      { seed: 4244, numRuns: 1000 },
    );
  });
});

describe('jsonCodec.encode', () => {
  it('is a text codec', () => {
    expect(jsonCodec.binary).toBe(false);
  });

  it('writes event, data and id, in that order', () => {
    expect(jsonCodec.encode({ event: 'said', data: { text: 'hi' }, id: 7 })).toBe(
      '{"event":"said","data":{"text":"hi"},"id":7}',
    );
    expect(jsonCodec.encode({ event: 'said', data: [1], id: 'a' })).toBe(
      '{"event":"said","data":[1],"id":"a"}',
    );
  });

  it('omits id when there is none and sends undefined data as null', () => {
    expect(jsonCodec.encode({ event: 'tick', data: 1 })).toBe('{"event":"tick","data":1}');
    expect(jsonCodec.encode({ event: 'say', data: undefined, id: 1 })).toBe(
      '{"event":"say","data":null,"id":1}',
    );
    expect(jsonCodec.encode({ event: 'say', data: () => 1 })).toBe('{"event":"say","data":null}');
  });

  it('escapes event names and string ids so the frame stays valid JSON', () => {
    const frame = { event: 'a"b\\c\n', data: 'x', id: '"},"event":"evil' };
    expect(JSON.parse(jsonCodec.encode(frame) as string)).toEqual(frame);
  });

  it('round-trips through decode (seeded property)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.jsonValue({ maxDepth: 5 }),
        fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }),
        (event, data, id) => {
          const result = decode(jsonCodec.encode({ event, data, id }) as string, 64);
          expect(result).toEqual({
            ok: true,
            frame: JSON.parse(
              JSON.stringify(id === undefined ? { event, data } : { event, data, id }),
            ),
          });
        },
      ),
      { seed: 4245, numRuns: 1000 },
    );
  });
});
