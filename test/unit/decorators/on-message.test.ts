import { OnMessage } from '../../../src/decorators/on-message';
import { Gateway } from '../../../src/decorators/gateway';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

class SayDto {
  text!: string;
}

describe('@OnMessage', () => {
  it('records the event, with the body type from the parameter or { body }', () => {
    @Gateway('/msg')
    class MessageGateway {
      @OnMessage('say') say(_body: SayDto) {}
      @OnMessage('shout', { body: SayDto }) shout(_body: unknown) {}
      @OnMessage('raw', {}) raw(_body: unknown) {}
    }
    const { messages } = readGatewayDefinition(MessageGateway);
    expect(messages.get('say')).toMatchObject({
      kind: 'message',
      member: 'say',
      event: 'say',
      bodyType: SayDto,
    });
    expect(messages.get('shout')?.bodyType).toBe(SayDto);
    expect(messages.get('raw')).not.toHaveProperty('bodyType');
  });

  it('records the reply DTO and the declared error codes, copied', () => {
    const errors = ['room_full'];
    @Gateway('/reply')
    class ReplyGateway {
      @OnMessage('say', { reply: SayDto, errors }) say(_body: SayDto) {}
      @OnMessage('plain') plain() {}
    }
    errors.push('later');
    const { messages } = readGatewayDefinition(ReplyGateway);
    expect(messages.get('say')).toMatchObject({ replyType: SayDto, errors: ['room_full'] });
    expect(Object.isFrozen(messages.get('say')?.errors)).toBe(true);
    expect(messages.get('plain')).not.toHaveProperty('replyType');
    expect(messages.get('plain')).not.toHaveProperty('errors');
  });

  it.each([[''], [undefined], [7]])('refuses event %p', (event) => {
    const error = thrownBy(() => OnMessage(event as string));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('the event name must be a non-empty string');
  });

  it.each<[string, unknown, string]>([
    ['a non-object', 'SayDto', 'options must be an object with only "body", "reply" and "errors"'],
    ['null', null, 'options must be an object with only "body", "reply" and "errors"'],
    [
      'an unknown key',
      { dto: SayDto },
      'options must be an object with only "body", "reply" and "errors"',
    ],
    ['a body that is not a class', { body: {} }, 'options.body must be a DTO class'],
    ['a reply that is not a class', { reply: 'SayDto' }, 'options.reply must be a DTO class'],
    [
      'errors that are not a list',
      { errors: 'room_full' },
      'options.errors must be an array of non-empty code strings',
    ],
    [
      'errors with an empty code',
      { errors: ['ok', ''] },
      'options.errors must be an array of non-empty code strings',
    ],
  ])('refuses options that are %s, naming the event', (_label, options, message) => {
    const error = thrownBy(() => OnMessage('say', options as { body?: typeof SayDto }));
    expect(error.message).toContain('@OnMessage("say")');
    expect(error.message).toContain(message);
  });

  it('refuses static handlers, naming the event', () => {
    expect(
      thrownBy(() => {
        class StaticGateway {
          @OnMessage('say') static say() {}
        }
        return StaticGateway;
      }).message,
    ).toContain('@OnMessage("say") on static member StaticGateway.say');
  });
});
