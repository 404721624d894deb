import type { Guard, GuardContext } from '../../../src/definition';
import { runGuards } from '../../../src/gateway/guards';

const context = { connection: {}, event: 'say', body: { text: 'hi' } } as unknown as GuardContext;

describe('runGuards', () => {
  it('stays synchronous while the guards are', () => {
    expect(runGuards([() => true, () => true], context)).toBe(true);
    expect(runGuards([], context)).toBe(true);
  });

  it('stops at the first refusal, without calling later guards', () => {
    const later = jest.fn(() => true);
    expect(runGuards([() => false, later], context)).toBe(false);
    expect(later).not.toHaveBeenCalled();
  });

  it('continues asynchronously after an async guard, in order', async () => {
    const order: string[] = [];
    const guards: Guard[] = [
      async () => (order.push('a'), true),
      () => (order.push('b'), true),
      async () => (order.push('c'), true),
    ];
    await expect(runGuards(guards, context)).resolves.toBe(true);
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('resolves false when an async guard refuses, skipping the rest', async () => {
    const later = jest.fn(() => true);
    await expect(runGuards([async () => false, later], context)).resolves.toBe(false);
    expect(later).not.toHaveBeenCalled();
  });

  it('passes the context to every guard', () => {
    const guard = jest.fn(() => true);
    runGuards([guard], context);
    expect(guard).toHaveBeenCalledWith(context);
  });
});
