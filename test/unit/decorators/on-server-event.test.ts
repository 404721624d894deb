import 'reflect-metadata';
import { OnServerEvent } from '../../../src/decorators/on-server-event';
import { Gateway } from '../../../src/decorators/gateway';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

describe('@OnServerEvent', () => {
  it('records the answering member per event, base classes inherited and overridable', () => {
    class Base {
      @OnServerEvent('reload') reload() {}
      @OnServerEvent('count') count() {}
    }
    @Gateway('/server-events')
    class ServerEventGateway extends Base {
      @OnServerEvent('reload') override reload() {}
      @OnServerEvent('ping')
      @OnServerEvent('pong')
      both() {}
    }
    const { serverEvents } = readGatewayDefinition(ServerEventGateway);
    expect([...serverEvents].sort()).toEqual([
      ['count', 'count'],
      ['ping', 'both'],
      ['pong', 'both'],
      ['reload', 'reload'],
    ]);
    expect(Object.isFrozen(serverEvents)).toBe(true);
  });

  it('validates its arguments at decoration time', () => {
    for (const bad of ['', 3, undefined]) {
      const error = thrownBy(() => OnServerEvent(bad as string));
      expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
      expect(error.message).toContain('the event name must be a non-empty string');
    }
    expect(thrownBy(() => OnServerEvent(3 as never)).message).toContain('@OnServerEvent(…)');
    expect(
      thrownBy(() => (OnServerEvent as (...args: unknown[]) => unknown)('x', {})).message,
    ).toContain('@OnServerEvent("x"): it takes only the event name');
  });

  it('refuses static members, symbol names and properties, naming the member', () => {
    const sym = Symbol('s');
    expect(
      thrownBy(() => {
        class StaticEvents {
          @OnServerEvent('x') static handle() {}
        }
        return StaticEvents;
      }).message,
    ).toContain('@OnServerEvent("x") on static member StaticEvents.handle');
    expect(
      thrownBy(() => {
        class SymbolEvents {
          @OnServerEvent('x') [sym]() {}
        }
        return SymbolEvents;
      }).message,
    ).toContain('SymbolEvents[Symbol(s)]');
    expect(
      thrownBy(() => {
        class PropertyEvents {
          @(OnServerEvent('x') as PropertyDecorator) handler = () => undefined;
        }
        return PropertyEvents;
      }).message,
    ).toContain('@OnServerEvent("x") on PropertyEvents.handler: it decorates methods');
  });

  it('reports two members for one event when the definition is read (at ready()), naming class, members and event', () => {
    @Gateway('/dup-server-events')
    class DuplicateEvents {
      @OnServerEvent('reload') first() {}
      @OnServerEvent('reload') second() {}
    }
    const error = thrownBy(() => readGatewayDefinition(DuplicateEvents));
    expect(error.code).toBe('FWG_ERR_DUPLICATE_SERVER_EVENT');
    expect(error.message).toBe(
      'DuplicateEvents has two @OnServerEvent handlers for event "reload" (first and second): keep one handler per event',
    );
  });

  it('refuses connection-scoped gateways, which have no instance to answer with', () => {
    @Gateway('/scoped-server-events', { scope: 'connection' })
    class ScopedEvents {
      @OnServerEvent('reload') reload() {}
    }
    expect(thrownBy(() => readGatewayDefinition(ScopedEvents)).message).toContain(
      '@OnServerEvent on ScopedEvents.reload: a connection-scoped gateway has no instance',
    );
  });
});
