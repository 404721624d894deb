import { Query } from '../../../src/decorators/query';
import { Gateway } from '../../../src/decorators/gateway';
import { OnConnect } from '../../../src/decorators/on-connect';
import { readGatewayDefinition } from '../../../src/metadata';
import { Errors } from '../../../src/errors';
import { thrownBy } from './helpers';

describe('@Query', () => {
  it('injects one named value, or the whole record without a name', () => {
    @Gateway('/query/:room')
    class QueryGateway {
      @OnConnect() join(@Query('lang') _one: string, @Query() _all: unknown) {}
    }
    expect(readGatewayDefinition(QueryGateway).onConnect[0].params).toEqual([
      { index: 0, source: 'query', name: 'lang' },
      { index: 1, source: 'query' },
    ]);
  });

  it.each([[''], [3]])('refuses name %p', (name) => {
    const error = thrownBy(() => Query(name as string));
    expect(error.code).toBe(Errors.INVALID_ARGUMENT.code);
    expect(error.message).toContain('@Query(name): name must be a non-empty string');
  });

  it('names itself with its argument in errors', () => {
    expect(
      thrownBy(() => {
        class CtorGateway {
          constructor(@Query('lang') readonly value: string) {}
        }
        return CtorGateway;
      }).message,
    ).toContain('@Query("lang") on a constructor parameter of CtorGateway');
  });
});
