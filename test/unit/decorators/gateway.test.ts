import { container } from 'tsyringe';
import { Gateway } from '../../../src/decorators/gateway';
import type { GatewayOptions } from '../../../src/definition';
import { isGateway, readGatewayDefinition } from '../../../src/metadata';
import { jsonCodec } from '../../../src/gateway/json-codec';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

class Clock {
  now() {
    return 1;
  }
}

describe('@Gateway', () => {
  it('records path and options and makes the class resolvable with injected dependencies', () => {
    @Gateway('/time', {
      scope: 'singleton',
      codec: jsonCodec,
      allowedOrigins: ['https://a.example'],
    })
    class TimeGateway {
      constructor(readonly clock: Clock) {}
    }
    expect(isGateway(TimeGateway)).toBe(true);
    expect(readGatewayDefinition(TimeGateway)).toMatchObject({
      path: '/time',
      options: { scope: 'singleton', codec: jsonCodec, allowedOrigins: ['https://a.example'] },
    });
    expect(container.createChildContainer().resolve(TimeGateway).clock).toBeInstanceOf(Clock);
  });

  it("takes allowedOrigins: '*' (any origin) as it is", () => {
    @Gateway('/public', { allowedOrigins: '*' })
    class PublicGateway {}
    expect(readGatewayDefinition(PublicGateway).options.allowedOrigins).toBe('*');
  });

  it('defaults options to an empty object', () => {
    @Gateway('/plain')
    class PlainGateway {}
    expect(readGatewayDefinition(PlainGateway).options).toEqual({});
  });

  it.each([[''], ['rooms'], [undefined], [42]])(
    'refuses path %p, asking for a string starting with "/"',
    (path) => {
      const error = thrownBy(() => Gateway(path as string));
      expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
      expect(error.message).toContain('@Gateway(path): path must be a string starting with "/"');
    },
  );

  it.each<[string, unknown, string]>([
    ['a non-object', 'x', 'options must be an object'],
    ['null', null, 'options must be an object'],
    ['an unknown key', { limit: {} }, 'unknown option "limit": use one of hooks, schema, limits'],
    ['hooks that are not an object', { hooks: [] }, 'option "hooks" must be an object'],
    ['limits that are not an object', { limits: 5 }, 'option "limits" must be an object'],
    [
      'keepHeaders not strings',
      { keepHeaders: [1] },
      'option "keepHeaders" must be an array of strings',
    ],
    [
      'allowedOrigins not an array',
      { allowedOrigins: 'https://a' },
      'option "allowedOrigins" must be an array of strings or \'*\'',
    ],
    [
      'upper-case keepHeaders',
      { keepHeaders: ['X-Id'] },
      'option "keepHeaders" must list lower-case header names',
    ],
    [
      'an unknown scope',
      { scope: 'request' },
      'option "scope" must be "singleton" or "connection"',
    ],
    [
      'a codec without encode',
      { codec: { binary: false, decode() {} } },
      'option "codec" must have decode(), encode()',
    ],
  ])('refuses %s, naming the gateway path', (_label, options, message) => {
    const error = thrownBy(() => Gateway('/x', options as GatewayOptions));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('@Gateway("/x", options)');
    expect(error.message).toContain(message);
  });

  it('refuses decorating one class twice', () => {
    const error = thrownBy(() => {
      @Gateway('/a')
      @Gateway('/b')
      class TwiceGateway {}
      return TwiceGateway;
    });
    expect(error.message).toContain('@Gateway on TwiceGateway: the class is decorated twice');
  });
});
