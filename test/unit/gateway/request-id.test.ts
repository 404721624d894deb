import { compactRequestId, requestIdText } from '../../../src/gateway/request-id';

describe('compactRequestId', () => {
  it("keeps Fastify's default ids as their counter, and gives back the same text", () => {
    for (const counter of [0, 1, 35, 36, 1295, 2 ** 31 - 1]) {
      const id = `req-${counter.toString(36)}`;
      expect(compactRequestId(id)).toBe(counter);
      expect(requestIdText(compactRequestId(id))).toBe(id);
    }
  });

  it('keeps every other id as it came', () => {
    const others = [
      'req-',
      'req-00',
      'req-01',
      'req-A',
      'req-1z_',
      'req-1234567',
      'Req-1',
      'request-1',
      'q-1',
      '',
      'c7d0a1e2-0b6f-4a8e-9d1c-2f3e4a5b6c7d',
      'req-1-',
      'req-{',
      'req-/',
    ];
    for (const id of others) {
      expect(compactRequestId(id)).toBe(id);
      expect(requestIdText(compactRequestId(id))).toBe(id);
    }
  });

  it('gives back any id it is given, whatever its shape (property)', () => {
    const alphabet = 'req-0123456789azAZ_{/:`';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const length = next() % 11;
      let id = next() % 2 === 0 ? 'req-' : '';
      for (let j = 0; j < length; j++) id += alphabet[next() % alphabet.length];
      expect(requestIdText(compactRequestId(id))).toBe(id);
    }
  });
});
