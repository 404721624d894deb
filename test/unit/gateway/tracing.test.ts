import { loadTracing } from '../../../src/gateway/tracing';

describe('loadTracing', () => {
  it('never loads @opentelemetry/api when no tracer provider is registered', () => {
    const load = jest.fn();
    expect(loadTracing(undefined, load)).toBeUndefined();
    expect(loadTracing(false, load)).toBeUndefined();
    expect(load).not.toHaveBeenCalled();
  });
});
