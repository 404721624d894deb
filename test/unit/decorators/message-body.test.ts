import { MessageBody } from '../../../src/decorators/message-body';
import { Gateway } from '../../../src/decorators/gateway';
import { OnMessage } from '../../../src/decorators/on-message';
import { readGatewayDefinition } from '../../../src/metadata';
import { thrownBy } from './helpers';

class SayDto {
  text!: string;
}

describe('@MessageBody', () => {
  it('puts the body in any slot and takes its DTO type from that parameter', () => {
    @Gateway('/body')
    class BodyGateway {
      @OnMessage('say') say(_conn: unknown, @MessageBody() _body: SayDto) {}
    }
    expect(readGatewayDefinition(BodyGateway).messages.get('say')).toMatchObject({
      params: [
        { index: 0, source: 'connection' },
        { index: 1, source: 'body' },
      ],
      bodyType: SayDto,
    });
  });

  it('takes no arguments (no NestJS-style field picking)', () => {
    expect(
      thrownBy(() => (MessageBody as (...args: unknown[]) => unknown)('text')).message,
    ).toContain('@MessageBody(): it takes no arguments');
  });

  it('refuses constructor parameters and a second decorator on one parameter', () => {
    expect(
      thrownBy(() => {
        class CtorGateway {
          constructor(@MessageBody() readonly body: unknown) {}
        }
        return CtorGateway;
      }).message,
    ).toContain('@MessageBody() on a constructor parameter of CtorGateway');
    expect(
      thrownBy(() => {
        class TwiceGateway {
          say(@MessageBody() @MessageBody() _body: unknown) {}
        }
        return TwiceGateway;
      }).message,
    ).toContain(
      '@MessageBody() on TwiceGateway.say parameter 0: the parameter already has a decorator',
    );
  });
});
