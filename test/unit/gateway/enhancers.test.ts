import {
  checkEnhancer,
  enhancerFunction,
  enhancerName,
  isClass,
} from '../../../src/gateway/enhancers';

class Named {
  intercept() {
    return 'named';
  }
}

describe('enhancers', () => {
  it('tells classes from plain functions', () => {
    expect(isClass(Named)).toBe(true);
    expect(isClass(class {})).toBe(true);
    expect(isClass(function plain() {})).toBe(false);
    expect(isClass(() => true)).toBe(false);
    expect(isClass({})).toBe(false);
  });

  it('names classes, instances and functions', () => {
    expect(enhancerName(Named)).toBe('Named');
    expect(enhancerName(new Named())).toBe('Named');
    expect(enhancerName(() => 1)).toBe('anonymous');
    expect(enhancerName(Object.create(null) as object)).toBe('anonymous');
  });

  it.each([
    [class {}, 'an anonymous class'],
    [{}, 'an object'],
    [Object.create(null) as object, 'an object'],
    [new (class Thing {})(), 'an instance of Thing'],
  ])('describes a misdeclared %p in the error', (ref, description) => {
    expect(() => checkEnhancer('interceptor', ref, 'here')).toThrow(
      `here: ${description} is not a usable interceptor`,
    );
  });

  it('binds an instance method, builds a class once through resolve, keeps plain functions', () => {
    const resolve = jest.fn((target: new () => object) => new target());
    const fromClass = enhancerFunction('interceptor', Named, 'here', resolve as never);
    expect(fromClass()).toBe('named');
    expect(resolve).toHaveBeenCalledTimes(1);
    const instance = {
      value: 3,
      intercept(this: { value: number }) {
        return this.value;
      },
    };
    expect(enhancerFunction('interceptor', instance, 'here', resolve as never)()).toBe(3);
    const plain = () => 'plain';
    expect(enhancerFunction('interceptor', plain, 'here', resolve as never)).toBe(plain);
  });
});
