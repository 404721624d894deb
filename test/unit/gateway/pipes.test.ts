import { ParseBoolPipe, ParseFloatPipe, ParseIntPipe } from '../../../src/gateway/pipes';

const field = { source: 'body', name: 'n' } as const;
const whole = { source: 'query', name: undefined } as const;

describe('built-in pipes', () => {
  it('ParseIntPipe takes safe integers and decimal integer strings only', () => {
    const pipe = new ParseIntPipe();
    expect(pipe.transform(7, field)).toBe(7);
    expect(pipe.transform(' -12 ', field)).toBe(-12);
    for (const bad of ['1.5', '', 'x', '0x10', 1.5, '99999999999999999999', null]) {
      expect(() => pipe.transform(bad, field)).toThrow('"n" must be an integer');
    }
    expect(() => pipe.transform('x', whole)).toThrow('the query must be an integer');
  });

  it('ParseFloatPipe takes finite numbers and numeric strings', () => {
    const pipe = new ParseFloatPipe();
    expect(pipe.transform(1.5, field)).toBe(1.5);
    expect(pipe.transform('2.25', field)).toBe(2.25);
    for (const bad of ['', ' ', 'x', Infinity, NaN, {}]) {
      expect(() => pipe.transform(bad, field)).toThrow('"n" must be a number');
    }
  });

  it('ParseBoolPipe takes booleans and "true"/"false"', () => {
    const pipe = new ParseBoolPipe();
    expect(pipe.transform('true', field)).toBe(true);
    expect(pipe.transform(false, field)).toBe(false);
    expect(pipe.transform('false', field)).toBe(false);
    expect(pipe.transform(true, field)).toBe(true);
    expect(() => pipe.transform('yes', field)).toThrow('"n" must be a boolean');
  });
});
