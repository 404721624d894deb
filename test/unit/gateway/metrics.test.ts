import { closeCodeLabel } from '../../../src/gateway/metrics';

describe('closeCodeLabel', () => {
  it('keeps protocol codes and groups the rest, so a client cannot add label values', () => {
    expect(closeCodeLabel(1000)).toBe('1000');
    expect(closeCodeLabel(1015)).toBe('1015');
    expect(closeCodeLabel(3001)).toBe('3xxx');
    expect(closeCodeLabel(4999)).toBe('4xxx');
    for (const code of [999, 1016, 2999, 5000]) expect(closeCodeLabel(code)).toBe('other');
  });
});
