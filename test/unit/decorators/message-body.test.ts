import { MessageBody } from '../../../src/decorators/message-body';
import { ParseIntPipe } from '../../../src/gateway/pipes';
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

  it('records a field and pipes; a field is not the DTO, so it does not make the body validated', () => {
    const trim = (value: unknown) => String(value).trim();
    @Gateway('/field')
    class FieldGateway {
      @OnMessage('seek') seek(
        @MessageBody('position', ParseIntPipe) position: number,
        @MessageBody(trim) whole: SayDto,
      ) {
        return [position, whole];
      }
    }
    const handler = readGatewayDefinition(FieldGateway).messages.get('seek');
    expect(handler?.params).toEqual([
      { index: 0, source: 'body', name: 'position', pipes: [ParseIntPipe] },
      { index: 1, source: 'body', pipes: [trim] },
    ]);
    expect(handler?.bodyType).toBe(SayDto);
  });

  it.each([[42], [null], ['pipe']])('refuses %p as a pipe', (bad) => {
    const error = thrownBy(() => (MessageBody as (...args: unknown[]) => unknown)('text', bad));
    expect(error.message).toContain('@MessageBody("text"): pipes are classes');
  });

  it('refuses an empty field name', () => {
    expect(thrownBy(() => MessageBody('')).message).toContain('@MessageBody(field)');
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
