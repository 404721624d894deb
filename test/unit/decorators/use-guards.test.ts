import { Gateway } from '../../../src/decorators/gateway';
import { OnConnect } from '../../../src/decorators/on-connect';
import { OnMessage } from '../../../src/decorators/on-message';
import { UseGuards } from '../../../src/decorators/use-guards';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

const a = () => true;
const b = () => true;
const c = () => true;
const d = () => true;

describe('@UseGuards', () => {
  it('puts inherited class guards, class guards, then method guards in written order on message handlers', () => {
    @UseGuards(a)
    class BaseGateway {
      @OnMessage('inherited') inherited() {}
    }
    @Gateway('/guarded')
    @UseGuards(b)
    class GuardedGateway extends BaseGateway {
      @UseGuards(c)
      @UseGuards(d)
      @OnMessage('say')
      say() {}
      @OnMessage('open') open() {}
      @OnConnect() join() {}
    }
    const definition = readGatewayDefinition(GuardedGateway);
    expect(definition.messages.get('say')?.guards).toEqual([a, b, c, d]);
    expect(definition.messages.get('inherited')?.guards).toEqual([a, b]);
    expect(definition.messages.get('open')?.guards).toEqual([a, b]);
    expect(definition.onConnect[0]).not.toHaveProperty('guards');
  });

  it('leaves unguarded handlers without a guards list', () => {
    @Gateway('/open')
    class OpenGateway {
      @OnMessage('say') say() {}
    }
    expect(readGatewayDefinition(OpenGateway).messages.get('say')).not.toHaveProperty('guards');
  });

  it.each([[[]], [['nope']]])('refuses %p: guards are functions, at least one', (guards) => {
    const error = thrownBy(() => UseGuards(...(guards as never[])));
    expect(error).toMatchObject({ code: Errors.INVALID_ARGUMENT.code });
    expect(error.message).toMatch(/@UseGuards\(\.\.\.guards\): pass one or more guard functions/);
  });

  it('refuses guards on @OnConnect/@OnClose handlers, naming the member and the hook alternative', () => {
    @Gateway('/connect-guard')
    class ConnectGuardGateway {
      @UseGuards(a) @OnConnect() join() {}
    }
    expect(() => readGatewayDefinition(ConnectGuardGateway)).toThrow(
      /@UseGuards on ConnectGuardGateway\.join: guards apply to @OnMessage handlers; refuse a connection with a Fastify hook/,
    );
  });

  it('refuses properties, and static members', () => {
    const onProperty = thrownBy(() => {
      class PropertyGateway {
        @(UseGuards(a) as PropertyDecorator) value = 1;
      }
      return PropertyGateway;
    });
    expect(onProperty.message).toMatch(/not properties or accessors/);
    const onStatic = thrownBy(() => {
      class StaticGateway {
        @UseGuards(a) static say() {}
      }
      return StaticGateway;
    });
    expect(onStatic.message).toMatch(/remove `static`/);
  });
});
