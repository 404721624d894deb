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
