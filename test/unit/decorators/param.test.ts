import { Param } from '../../../src/decorators/param';
import { Gateway } from '../../../src/decorators/gateway';
import { OnConnect } from '../../../src/decorators/on-connect';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

describe('@Param', () => {
  it('injects one named value, or the whole record without a name', () => {
    @Gateway('/param/:room')
    class ParamGateway {
      @OnConnect() join(@Param('room') _one: string, @Param() _all: unknown) {}
    }
    expect(readGatewayDefinition(ParamGateway).onConnect[0].params).toEqual([
      { index: 0, source: 'param', name: 'room' },
      { index: 1, source: 'param' },
    ]);
  });

  it.each([[''], [3]])('refuses name %p', (name) => {
    const error = thrownBy(() => Param(name as string));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('@Param(name): name must be a non-empty string');
  });

  it('names itself with its argument in errors', () => {
    expect(
      thrownBy(() => {
        class CtorGateway {
          constructor(@Param('room') readonly value: string) {}
        }
        return CtorGateway;
      }).message,
    ).toContain('@Param("room") on a constructor parameter of CtorGateway');
  });
});
