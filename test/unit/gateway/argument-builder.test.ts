import type { ParamDefinition } from '../../../src/definition';
import { compileArguments, type ArgumentSource } from '../../../src/gateway/argument-builder';
import type { Connection } from '../../../src/gateway/connection';

const connection = {
  params: { room: 'a' },
  query: { page: '2' },
} as unknown as Connection;
const source: ArgumentSource = {
  connection,
  request: { url: '/x' },
  closeCode: 1000,
  closeReason: 'bye',
};

function build(params: ParamDefinition[], body?: unknown): unknown[] {
  return compileArguments(params)(source, body) as unknown[];
}

describe('compileArguments', () => {
  it('builds no arguments for a handler without parameters', () => {
    expect(build([])).toEqual([]);
  });

  it('reads each source into its slot', () => {
    expect(
      build(
        [
          { index: 0, source: 'body' },
          { index: 1, source: 'connection' },
          { index: 2, source: 'param', name: 'room' },
          { index: 3, source: 'param' },
          { index: 4, source: 'query', name: 'page' },
          { index: 5, source: 'query' },
          { index: 6, source: 'request' },
          { index: 7, source: 'code' },
          { index: 8, source: 'reason' },
        ],
        'body',
      ),
    ).toEqual([
      'body',
      connection,
      'a',
      { room: 'a' },
      '2',
      { page: '2' },
      { url: '/x' },
      1000,
      'bye',
    ]);
  });

  it('uses the short forms for one and two parameters, in slot order', () => {
    expect(build([{ index: 0, source: 'code' }])).toEqual([1000]);
    expect(
      build(
        [
          { index: 1, source: 'body' },
          { index: 0, source: 'connection' },
        ],
        7,
      ),
    ).toEqual([connection, 7]);
  });

  it('leaves a slot without a definition undefined', () => {
    expect(build([{ index: 2, source: 'reason' }])).toEqual([undefined, undefined, 'bye']);
  });
});

describe('compileArguments with pipes', () => {
  const pipe = (name: string, transform: (value: unknown) => unknown) => ({ name, transform });
  const failing = pipe('Strict', () => {
    throw 'not an Error';
  });
  const later = pipe('Later', async (value) => value);
  const rejectLater = pipe('RejectLater', () => Promise.reject(new Error('late')));

  it('names whole records and bodies in the path, and a non-Error as "is invalid"', () => {
    for (const [param, path] of [
      [{ index: 0, source: 'param', pipes: [failing] }, 'params'],
      [{ index: 0, source: 'param', name: 'room', pipes: [failing] }, 'params.room'],
      [{ index: 0, source: 'query', pipes: [failing] }, 'query'],
      [{ index: 0, source: 'query', name: 'q', pipes: [failing] }, 'query.q'],
      [{ index: 0, source: 'body', pipes: [failing] }, ''],
    ] as const) {
      const build = compileArguments([param as ParamDefinition], () => [failing]);
      expect(() => build(source, {})).toThrow(
        expect.objectContaining({
          code: 'validation_failed',
          details: [{ path, constraints: { Strict: 'is invalid' } }],
        }),
      );
    }
  });

  it('waits for async pipes, and never leaves an earlier rejection unhandled when a later pipe throws', async () => {
    const params = [
      { index: 0, source: 'body', name: 'a', pipes: [rejectLater] },
      { index: 1, source: 'body', name: 'b', pipes: [failing] },
    ] as unknown as ParamDefinition[];
    const build = compileArguments(params, (param) =>
      param.name === 'a' ? [rejectLater] : [failing],
    );
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    expect(() => build(source, { a: 1, b: 2 })).toThrow(
      expect.objectContaining({ code: 'validation_failed' }),
    );
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    const ok = compileArguments(params.slice(0, 1), () => [later]);
    await expect(ok(source, { a: 5 })).resolves.toEqual([5]);
  });
});
