import { Emits } from '../../../src/decorators/emits';
import { Gateway } from '../../../src/decorators/gateway';
import { OnMessage } from '../../../src/decorators/on-message';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

class SaidDto {
  text!: string;
}
class JoinedDto {
  user!: string;
}

describe('@Emits', () => {
  it('records events with their DTO, in the order they are written', () => {
    @Gateway('/emits')
    @Emits('said', SaidDto)
    @Emits('joined', JoinedDto)
    class EmitsGateway {}
    const { emits } = readGatewayDefinition(EmitsGateway);
    expect([...emits]).toEqual([
      ['said', SaidDto],
      ['joined', JoinedDto],
    ]);
    expect(() => (emits as Map<string, unknown>).set('x', SaidDto)).toThrow(TypeError);
  });

  it('is empty for a gateway that declares none', () => {
    @Gateway('/none')
    class NoEmitsGateway {}
    expect(readGatewayDefinition(NoEmitsGateway).emits.size).toBe(0);
  });

  it('inherits the base class declarations; a subclass may redeclare an event', () => {
    class OtherSaidDto {}
    @Emits('said', SaidDto)
    @Emits('joined', JoinedDto)
    class BaseGateway {}
    @Gateway('/child')
    @Emits('said', OtherSaidDto)
    @Emits('left', JoinedDto)
    class ChildGateway extends BaseGateway {}
    expect([...readGatewayDefinition(ChildGateway).emits]).toEqual([
      ['said', OtherSaidDto],
      ['joined', JoinedDto],
      ['left', JoinedDto],
    ]);
  });

  it('refuses the same event twice on one class, naming both', () => {
    const error = thrownBy(() => {
      @Emits('said', SaidDto)
      @Emits('said', JoinedDto)
      class TwiceGateway {}
      return TwiceGateway;
    });
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('@Emits("said") on TwiceGateway');
    expect(error.message).toContain('keep one @Emits per event');
  });

  it.each<[string, unknown, unknown, string]>([
    ['an empty event', '', SaidDto, 'the event name must be a non-empty string'],
    ['a non-string event', 7, SaidDto, 'the event name must be a non-empty string'],
    ['a protocol event', '$session', SaidDto, '"$session" is reserved'],
    ['a client state event', 'close', SaidDto, '"close" is reserved'],
    ['the error event', 'error', SaidDto, '"error" is reserved'],
    [
      'a DTO that is not a class',
      'said',
      { text: 'string' },
      'the second argument must be the DTO class',
    ],
    ['no DTO', 'said', undefined, 'the second argument must be the DTO class'],
  ])('refuses %s at decoration time', (_label, event, dto, message) => {
    const error = thrownBy(() => Emits(event as string, dto as typeof SaidDto));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain(message);
  });

  it('refuses, when the gateway is read, an emitted event that a handler also handles', () => {
    @Gateway('/clash')
    @Emits('say', SaidDto)
    class ClashGateway {
      @OnMessage('say') shout() {}
    }
    const error = thrownBy(() => readGatewayDefinition(ClashGateway));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('@Emits("say") on ClashGateway');
    expect(error.message).toContain('ClashGateway.shout handles "say" too');
  });
});
