import { OnClose } from '../../../src/decorators/on-close';
import { Gateway } from '../../../src/decorators/gateway';
import { readGatewayDefinition } from '../../../src/metadata';
import { thrownBy } from './helpers';

describe('@OnClose', () => {
  it('records a close handler receiving (connection, code, reason) by default', () => {
    @Gateway('/close')
    class CloseGateway {
      @OnClose() left(_conn: unknown, _code: number, _reason: string) {}
    }
    expect(readGatewayDefinition(CloseGateway).onClose).toEqual([
      {
        kind: 'close',
        member: 'left',
        params: [
          { index: 0, source: 'connection' },
          { index: 1, source: 'code' },
          { index: 2, source: 'reason' },
        ],
      },
    ]);
  });

  it('takes no arguments', () => {
    expect(thrownBy(() => (OnClose as (...args: unknown[]) => unknown)(1)).message).toContain(
      '@OnClose(): it takes no arguments',
    );
  });

  it('refuses a property that is not a method', () => {
    const decorate = OnClose() as (
      target: object,
      member: string,
      descriptor?: PropertyDescriptor,
    ) => void;
    class Holder {}
    expect(thrownBy(() => decorate(Holder.prototype, 'field')).message).toContain(
      '@OnClose() on Holder.field: it decorates methods',
    );
  });
});
