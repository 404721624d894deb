import { Req } from '../../../src/decorators/req';
import { Gateway } from '../../../src/decorators/gateway';
import { OnMessage } from '../../../src/decorators/on-message';
import { readGatewayDefinition } from '../../../src/metadata';
import { thrownBy } from './helpers';

describe('@Req', () => {
  it('injects the upgrade request and makes the gateway keep it', () => {
    @Gateway('/req')
    class ReqGateway {
      @OnMessage('who') who(@Req() _request: unknown) {}
    }
    const definition = readGatewayDefinition(ReqGateway);
    expect(definition.messages.get('who')?.params).toEqual([{ index: 0, source: 'request' }]);
    expect(definition.usesRequest).toBe(true);
  });

  it('takes no arguments', () => {
    expect(thrownBy(() => (Req as (...args: unknown[]) => unknown)('headers')).message).toContain(
      '@Req(): it takes no arguments',
    );
  });
});
