import { isThenable } from '../../../src/gateway/thenable';

describe('isThenable', () => {
  it('is true for promises and any object or function with a then method', () => {
    expect(isThenable(Promise.resolve(1))).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
    expect(isThenable(Object.assign(() => undefined, { then: () => undefined }))).toBe(true);
  });

  it('is false for values await would not wait on', () => {
    for (const value of [null, undefined, 0, 'then', true, {}, { then: 1 }, () => undefined]) {
      expect(isThenable(value)).toBe(false);
    }
  });
});
