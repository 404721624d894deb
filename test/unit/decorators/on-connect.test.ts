import { OnConnect } from '../../../src/decorators/on-connect';
import { Gateway } from '../../../src/decorators/gateway';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

describe('@OnConnect', () => {
  it('records a connect handler', () => {
    @Gateway('/connect')
    class ConnectGateway {
      @OnConnect() join() {}
    }
    expect(readGatewayDefinition(ConnectGateway).onConnect).toEqual([
      { kind: 'connect', member: 'join', params: [] },
    ]);
  });

  it('takes no arguments', () => {
    const error = thrownBy(() => (OnConnect as (...args: unknown[]) => unknown)('x'));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('@OnConnect(): it takes no arguments');
  });

  it('refuses static methods, symbol names and non-methods, naming the member', () => {
    const sym = Symbol('join');
    expect(
      thrownBy(() => {
        class StaticGateway {
          @OnConnect() static join() {}
        }
        return StaticGateway;
      }).message,
    ).toContain('@OnConnect() on static member StaticGateway.join: handlers are instance methods');
    expect(
      thrownBy(() => {
        class SymbolGateway {
          @OnConnect() [sym]() {}
        }
        return SymbolGateway;
      }).message,
    ).toContain('@OnConnect() on SymbolGateway[Symbol(join)]: handlers need a string name');
    expect(
      thrownBy(() => {
        class AccessorGateway {
          @OnConnect() get join() {
            return 1;
          }
        }
        return AccessorGateway;
      }).message,
    ).toContain('@OnConnect() on AccessorGateway.join: it decorates methods');
  });
});
