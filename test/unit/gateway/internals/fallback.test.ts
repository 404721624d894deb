// Without class-transformer's and class-validator's internals (as with a version that moved
// them), validation takes the public path and gives the same answers as with them.
import fc from 'fast-check';
import { Type, plainToInstance } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
  validateSync,
  type ValidatorOptions,
} from 'class-validator';
import { compileBodyValidator } from '../../../../src/gateway/validation';
import { planDto } from '../../../../src/gateway/validation-plan';

jest.mock('../../../../src/gateway/internals/class-transformer', () => ({
  ...jest.requireActual('../../../../src/gateway/internals/class-transformer'),
  transformerMetadata: undefined,
}));
jest.mock('../../../../src/gateway/internals/class-validator', () => ({
  ...jest.requireActual('../../../../src/gateway/internals/class-validator'),
  validatorMetadata: undefined,
}));

const SETTINGS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

class EchoDto {
  @IsInt() n!: number;
  @IsString() @Length(2, 4) s!: string;
}

class WrapperDto {
  @ValidateNested() @Type(() => EchoDto) inner!: EchoDto;
  @IsOptional() @IsInt() count?: number;
}

test('with no internals, nothing is planned: plainToInstance and the async validate', () => {
  expect(planDto(EchoDto, SETTINGS)).toEqual({
    async: true,
    copyFlat: undefined,
    accepts: undefined,
  });
});

test('with no internals, bodies get the same answers as from class-validator', async () => {
  const leaf = fc.oneof(fc.integer(), fc.string({ maxLength: 5 }), fc.constant(null));
  const echo = fc.record({ n: leaf, s: leaf }, { requiredKeys: [] });
  const body = fc.oneof(
    echo,
    fc.record({ inner: fc.oneof(echo, leaf), count: leaf, extra: leaf }, { requiredKeys: [] }),
  );
  await fc.assert(
    fc.asyncProperty(fc.boolean(), body, async (wrapped, value) => {
      const dto = wrapped ? WrapperDto : EchoDto;
      const outcome = await compileBodyValidator(dto)(value);
      const instance = plainToInstance(dto as new () => object, value);
      const ok = validateSync(instance, SETTINGS).length === 0;
      expect(outcome.ok).toBe(ok);
      if (outcome.ok) expect(outcome.value).toEqual(instance);
    }),
    { seed: 16, numRuns: 300 },
  );
});
