import { ConnectedSocket } from '../../../src/decorators/connected-socket';
import { Gateway } from '../../../src/decorators/gateway';
import { OnMessage } from '../../../src/decorators/on-message';
import { readGatewayDefinition } from '../../../src/metadata';
import { thrownBy } from './helpers';

describe('@ConnectedSocket', () => {
  it('puts the connection in its slot; the body default moves to the next free slot', () => {
    @Gateway('/socket')
    class SocketGateway {
      @OnMessage('say') say(@ConnectedSocket() _conn: unknown, _body: unknown) {}
    }
    expect(readGatewayDefinition(SocketGateway).messages.get('say')?.params).toEqual([
      { index: 0, source: 'connection' },
      { index: 1, source: 'body' },
    ]);
  });

  it('takes no arguments', () => {
    expect(
      thrownBy(() => (ConnectedSocket as (...args: unknown[]) => unknown)({})).message,
    ).toContain('@ConnectedSocket(): it takes no arguments');
  });

  it('refuses parameters of static methods', () => {
    expect(
      thrownBy(() => {
        class StaticGateway {
          static say(@ConnectedSocket() _conn: unknown) {}
        }
        return StaticGateway;
      }).message,
    ).toContain('@ConnectedSocket() on static member StaticGateway.say');
  });
});
