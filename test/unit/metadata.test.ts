import { container } from 'tsyringe';
import {
  ConnectedSocket,
  Gateway,
  MessageBody,
  OnClose,
  OnConnect,
  OnMessage,
  Param,
  Query,
  Req,
} from '../../src/decorators';
import { isGateway, readGatewayDefinition } from '../../src/metadata';
import { Errors, GatewayError } from '../../src/errors';
import { NoteDto } from './decorators/dto-fixture';
import type { NoteDto as NoteType } from './decorators/dto-fixture';

class SayDto {
  text!: string;
}
class OtherDto {
  n!: number;
}
class Store {
  readonly rooms = new Map<string, string[]>();
}

const errorOf = (run: () => unknown): GatewayError => {
  try {
    run();
  } catch (error) {
    return error as GatewayError;
  }
  throw new Error('expected a throw');
};

describe('readGatewayDefinition', () => {
  @Gateway('/rooms/:room', { scope: 'connection', limits: { maxDepth: 8 }, keepHeaders: ['x-id'] })
  class ChatGateway {
    constructor(readonly store: Store) {}
    @OnConnect() join(@ConnectedSocket() _conn: unknown, @Param('room') _room: string) {}
    @OnMessage('say') say(@MessageBody() _body: SayDto, @ConnectedSocket() _conn: unknown) {}
    @OnClose() left(@ConnectedSocket() _conn: unknown, _code: number) {}
  }

  it('reads path, options and handlers, with parameters in their slots', () => {
    const definition = readGatewayDefinition(ChatGateway);
    expect(definition).toMatchObject({
      target: ChatGateway,
      name: 'ChatGateway',
      path: '/rooms/:room',
      options: { scope: 'connection', limits: { maxDepth: 8 }, keepHeaders: ['x-id'] },
      usesRequest: false,
    });
    expect(definition.onConnect).toEqual([
      {
        kind: 'connect',
        member: 'join',
        params: [
          { index: 0, source: 'connection' },
          { index: 1, source: 'param', name: 'room' },
        ],
      },
    ]);
    expect(definition.messages.get('say')).toEqual({
      kind: 'message',
      member: 'say',
      event: 'say',
      params: [
        { index: 0, source: 'body' },
        { index: 1, source: 'connection' },
      ],
      bodyType: SayDto,
    });
    expect(definition.onClose).toEqual([
      {
        kind: 'close',
        member: 'left',
        params: [
          { index: 0, source: 'connection' },
          { index: 1, source: 'code' },
        ],
      },
    ]);
  });

  it('caches one definition per class', () => {
    expect(readGatewayDefinition(ChatGateway)).toBe(readGatewayDefinition(ChatGateway));
  });

  it('is frozen deep enough that the runtime cannot change it', () => {
    const definition = readGatewayDefinition(ChatGateway);
    expect(Object.isFrozen(definition)).toBe(true);
    expect(Object.isFrozen(definition.options)).toBe(true);
    expect(Object.isFrozen(definition.options.limits)).toBe(true);
    expect(Object.isFrozen(definition.options.keepHeaders)).toBe(true);
    expect(Object.isFrozen(definition.onConnect)).toBe(true);
    expect(Object.isFrozen(definition.onConnect[0])).toBe(true);
    expect(Object.isFrozen(definition.onConnect[0].params)).toBe(true);
    expect(Object.isFrozen(definition.onConnect[0].params[1])).toBe(true);
    const messages = definition.messages as Map<string, unknown>;
    expect(() => messages.set('x', {})).toThrow(TypeError);
    expect(() => messages.delete('say')).toThrow(TypeError);
    expect(() => messages.clear()).toThrow(TypeError);
    expect(messages.size).toBe(1);
  });

  it('copies the options, so later edits of the object passed to @Gateway do not leak in', () => {
    const limits = { maxDepth: 4 };
    @Gateway('/copy', { limits })
    class CopyGateway {}
    limits.maxDepth = 99;
    expect(readGatewayDefinition(CopyGateway).options.limits).toEqual({ maxDepth: 4 });
  });

  it('makes the class resolvable by tsyringe with constructor injection, without @injectable()', () => {
    const child = container.createChildContainer();
    const gateway = child.resolve(ChatGateway);
    expect(gateway.store).toBeInstanceOf(Store);
  });

  it('throws NOT_A_GATEWAY naming the class, or the type of a non-class', () => {
    class Plain {}
    expect(errorOf(() => readGatewayDefinition(Plain))).toMatchObject({
      code: Errors.NOT_A_GATEWAY.code,
      message: expect.stringContaining('Plain is not a gateway'),
    });
    expect(errorOf(() => readGatewayDefinition({})).message).toContain('A value of type object');
    expect(errorOf(() => readGatewayDefinition(null)).message).toContain('A value of type null');
    expect(errorOf(() => readGatewayDefinition(undefined)).code).toBe(Errors.NOT_A_GATEWAY.code);
    expect(errorOf(() => readGatewayDefinition(() => 1)).message).toContain('An anonymous class');
    expect(isGateway(Plain)).toBe(false);
    expect(isGateway('x')).toBe(false);
    expect(isGateway(ChatGateway)).toBe(true);
  });

  it('throws DUPLICATE_EVENT naming class, event and both members', () => {
    @Gateway('/dup')
    class DupGateway {
      @OnMessage('say') first() {}
      @OnMessage('say') second() {}
    }
    const error = errorOf(() => readGatewayDefinition(DupGateway));
    expect(error.code).toBe(Errors.DUPLICATE_EVENT.code);
    expect(error.message).toContain(
      'DupGateway has two @OnMessage handlers for event "say" (first and second)',
    );
  });

  it('lets one method handle several events, and several connect/close handlers run in order', () => {
    @Gateway('/multi')
    class MultiGateway {
      @OnMessage('a') @OnMessage('b') both() {}
      @OnConnect() first() {}
      @OnConnect() second() {}
    }
    const definition = readGatewayDefinition(MultiGateway);
    expect([...definition.messages.keys()].sort()).toEqual(['a', 'b']);
    expect(definition.onConnect.map((handler) => handler.member)).toEqual(['first', 'second']);
  });
});

describe('parameter defaults (DESIGN.md "Precise semantics")', () => {
  const paramsOf = (target: unknown, kind: 'connect' | 'message' | 'close', event = 'e') => {
    const definition = readGatewayDefinition(target);
    const handler =
      kind === 'message'
        ? definition.messages.get(event)
        : kind === 'connect'
          ? definition.onConnect[0]
          : definition.onClose[0];
    return handler?.params.map(({ source, name }) =>
      name === undefined ? source : `${source}:${name}`,
    );
  };

  it('fills undecorated parameters by position: connect (conn, request), message (body, conn), close (conn, code, reason)', () => {
    @Gateway('/defaults')
    class DefaultsGateway {
      @OnConnect() join(_conn: unknown, _request: unknown) {}
      @OnMessage('e') say(_body: SayDto, _conn: unknown) {}
      @OnClose() left(_conn: unknown, _code: number, _reason: string) {}
    }
    expect(paramsOf(DefaultsGateway, 'connect')).toEqual(['connection', 'request']);
    expect(paramsOf(DefaultsGateway, 'message')).toEqual(['body', 'connection']);
    expect(paramsOf(DefaultsGateway, 'close')).toEqual(['connection', 'code', 'reason']);
    expect(readGatewayDefinition(DefaultsGateway).usesRequest).toBe(true);
  });

  it('lets decorated parameters take their slot and the remaining defaults fill the rest in order', () => {
    @Gateway('/mixed')
    class MixedGateway {
      @OnConnect() join(@Query('lang') _lang: string, _conn: unknown) {}
      @OnMessage('e') say(
        @ConnectedSocket() _conn: unknown,
        _body: SayDto,
        @Param() _params: unknown,
      ) {}
      @OnClose() left(@ConnectedSocket() _conn: unknown, _code: number) {}
    }
    expect(paramsOf(MixedGateway, 'connect')).toEqual(['query:lang', 'connection']);
    expect(paramsOf(MixedGateway, 'message')).toEqual(['connection', 'body', 'param']);
    expect(paramsOf(MixedGateway, 'close')).toEqual(['connection', 'code']);
    expect(readGatewayDefinition(MixedGateway).messages.get('e')?.bodyType).toBe(SayDto);
    expect(readGatewayDefinition(MixedGateway).usesRequest).toBe(false);
  });

  it('marks usesRequest for @Req() in any handler', () => {
    @Gateway('/req')
    class ReqGateway {
      @OnClose() left(@Req() _request: unknown) {}
    }
    expect(paramsOf(ReqGateway, 'close')).toEqual(['request']);
    expect(readGatewayDefinition(ReqGateway).usesRequest).toBe(true);
  });

  it('counts parameters from fn.length without design:paramtypes, and extends to decorated slots', () => {
    @Gateway('/untyped')
    class UntypedGateway {}
    const proto = UntypedGateway.prototype as unknown as Record<string, unknown>;
    // What tsx/esbuild emit: decorators applied, no design:* metadata.
    proto.say = function (_body: unknown, _conn: unknown) {};
    proto.left = function () {};
    OnMessage('e')(proto, 'say', Object.getOwnPropertyDescriptor(proto, 'say')!);
    OnClose()(proto, 'left', Object.getOwnPropertyDescriptor(proto, 'left')!);
    ConnectedSocket()(proto, 'left', 1);
    expect(paramsOf(UntypedGateway, 'message')).toEqual(['body', 'connection']);
    expect(readGatewayDefinition(UntypedGateway).messages.get('e')?.bodyType).toBeUndefined();
    // fn.length is 0 here, so the count comes from the decorated slot; slot 0 gets the first unused default.
    expect(paramsOf(UntypedGateway, 'close')).toEqual(['code', 'connection']);
  });

  it.each([
    ['Object (interface, union, import type)', Object],
    ['String', String],
    ['Array', Array],
    ['Promise', Promise],
    ['Date', Date],
  ])('passes a body typed %s through unvalidated', (_label, type) => {
    @Gateway('/builtin')
    class BuiltinGateway {
      @OnMessage('e') say(_body: unknown) {}
    }
    // Emulate the design:paramtypes TS emits for the given declared type.
    Reflect.defineMetadata('design:paramtypes', [type], BuiltinGateway.prototype, 'say');
    expect(readGatewayDefinition(BuiltinGateway).messages.get('e')?.bodyType).toBeUndefined();
  });

  it('takes bodyType from { body: Dto }, which wins over the declared type', () => {
    @Gateway('/explicit')
    class ExplicitGateway {
      @OnMessage('a', { body: OtherDto }) a(_body: SayDto) {}
      @OnMessage('b', { body: SayDto }) b(_body: unknown) {}
      @OnMessage('c', { body: SayDto }) c() {}
      @OnMessage('d') d(@ConnectedSocket() _conn: unknown) {}
    }
    const messages = readGatewayDefinition(ExplicitGateway).messages;
    expect(messages.get('a')?.bodyType).toBe(OtherDto);
    expect(messages.get('b')?.bodyType).toBe(SayDto);
    expect(messages.get('c')?.bodyType).toBe(SayDto);
    expect(messages.get('d')).not.toHaveProperty('bodyType');
  });

  it('loses the DTO of an `import type` (erased to Object) unless { body } names it', () => {
    @Gateway('/import-type')
    class ImportTypeGateway {
      @OnMessage('erased') erased(_body: NoteType) {}
      @OnMessage('explicit', { body: NoteDto }) explicit(_body: NoteType) {}
      @OnMessage('value') value(_body: NoteDto) {}
    }
    const { messages } = readGatewayDefinition(ImportTypeGateway);
    expect(messages.get('erased')?.bodyType).toBeUndefined();
    expect(messages.get('explicit')?.bodyType).toBe(NoteDto);
    expect(messages.get('value')?.bodyType).toBe(NoteDto);
  });

  it('refuses @MessageBody() outside @OnMessage, naming class, member and parameter', () => {
    @Gateway('/body-in-connect')
    class BodyGateway {
      @OnConnect() join(@MessageBody() _body: unknown) {}
    }
    const error = errorOf(() => readGatewayDefinition(BodyGateway));
    expect(error.code).toBe(Errors.BODY_OUTSIDE_MESSAGE.code);
    expect(error.message).toContain('BodyGateway.join parameter 0');
  });

  it('refuses a parameter that nothing can fill, naming class, member and parameter', () => {
    @Gateway('/extra')
    class ExtraGateway {
      @OnMessage('e') say(_body: unknown, _conn: unknown, _extra: unknown) {}
    }
    const error = errorOf(() => readGatewayDefinition(ExtraGateway));
    expect(error.code).toBe(Errors.UNRESOLVED_PARAMETER.code);
    expect(error.message).toContain('ExtraGateway.say parameter 2');
  });
});

describe('inheritance', () => {
  class BaseGateway {
    @OnConnect() join(_conn: unknown) {}
    @OnMessage('ping') ping() {
      return 'base';
    }
    @OnMessage('who') who() {}
    @OnClose() left() {}
  }

  @Gateway('/child', { scope: 'connection' })
  class ChildGateway extends BaseGateway {
    @OnMessage('pong') override ping() {
      return 'child';
    }
    @OnMessage('extra') extra(_body: SayDto) {}
  }

  it('inherits the handlers of an undecorated base class, with the subclass path and options', () => {
    const definition = readGatewayDefinition(ChildGateway);
    expect(definition).toMatchObject({
      path: '/child',
      name: 'ChildGateway',
      options: { scope: 'connection' },
    });
    expect(definition.onConnect.map((handler) => handler.member)).toEqual(['join']);
    expect(definition.onClose.map((handler) => handler.member)).toEqual(['left']);
    expect(definition.messages.get('extra')?.bodyType).toBe(SayDto);
    expect(definition.messages.get('who')?.member).toBe('who');
  });

  it('lets a subclass member replace the base handler of the same name', () => {
    const definition = readGatewayDefinition(ChildGateway);
    expect(definition.messages.has('ping')).toBe(false);
    expect(definition.messages.get('pong')?.member).toBe('ping');
  });

  it('inherits from a decorated base gateway, each class keeping its own path', () => {
    @Gateway('/base')
    class Decorated {
      @OnMessage('a') a() {}
    }
    @Gateway('/derived')
    class Derived extends Decorated {
      @OnMessage('b') b() {}
    }
    expect(readGatewayDefinition(Decorated).path).toBe('/base');
    expect([...readGatewayDefinition(Decorated).messages.keys()]).toEqual(['a']);
    expect(readGatewayDefinition(Derived).path).toBe('/derived');
    expect([...readGatewayDefinition(Derived).messages.keys()]).toEqual(['a', 'b']);
  });

  it('requires @Gateway on the subclass itself', () => {
    @Gateway('/base-only')
    class Decorated {}
    class Undecorated extends Decorated {}
    expect(isGateway(Undecorated)).toBe(false);
    expect(errorOf(() => readGatewayDefinition(Undecorated)).message).toContain(
      'Undecorated is not a gateway',
    );
  });

  it('reports two members of base and subclass handling one event', () => {
    @Gateway('/clash')
    class Clash extends BaseGateway {
      @OnMessage('who') whoAmI() {}
    }
    expect(errorOf(() => readGatewayDefinition(Clash)).message).toContain('(who and whoAmI)');
  });
});
