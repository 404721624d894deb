// The precomputed acceptance check must agree with class-validator on every body: a property
// test compares the compiled validator with plainToInstance + validateSync on generated bodies
// (same accept/reject, same transformed value), and spies prove which path answered.
import fc from 'fast-check';
import { plainToInstance } from 'class-transformer';
import {
  Allow,
  getMetadataStorage,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  useContainer,
  validateSync,
  type ValidatorOptions,
} from 'class-validator';
import { compileBodyValidator, type ValidationOutcome } from '../../../src/gateway/validation';
import { planDto } from '../../../src/gateway/validation-plan';

const SETTINGS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
};

class EchoDto {
  @IsInt() n!: number;
  @IsString() @Length(32, 32) s!: string;
}

const IsEven = () =>
  ValidateBy({
    name: 'isEven',
    validator: { validate: (value) => typeof value === 'number' && value % 2 === 0 },
  });

class MixedDto {
  @IsOptional() @IsInt() @Min(0) @Max(10) count?: number;
  @IsBoolean() flag!: boolean;
  @IsIn(['a', 'b']) kind!: string;
  @ValidateIf((dto: MixedDto) => dto.flag === true) @IsString() @MaxLength(3) note?: string;
  @Allow() free?: unknown;
  @IsDefined() must!: unknown;
  @IsInt() @IsEven() withDefault = 4;
  @IsInt({ validateIf: (dto: MixedDto) => dto.kind === 'a' }) onlyForA?: number;
  get computed(): number {
    return 1;
  }
}

/** Leaf values a JSON body can hold, biased towards what the DTOs accept. */
const leaf = fc.oneof(
  fc.integer({ min: -3, max: 14 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('a', 'b', 'c', 'abc', 'abcd', '😀😀'),
  fc.string({ minLength: 30, maxLength: 34 }),
  fc.string({ unit: 'binary', minLength: 31, maxLength: 33 }),
);

function bodies(required: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<object> {
  const keys = Object.keys(required);
  const fields = Object.fromEntries(
    keys.map((key) => [
      key,
      fc.oneof({ arbitrary: required[key], weight: 6 }, { arbitrary: leaf, weight: 1 }),
    ]),
  );
  return fc
    .tuple(
      fc.record(fields),
      // Now and then a key missing, or one the DTO does not declare.
      fc.subarray(keys, { maxLength: 2 }),
      fc.option(fc.dictionary(fc.constantFrom('extra', 'computed', 'toString'), leaf), {
        freq: 4,
      }),
    )
    .map(([known, missing, extra]) => {
      const body: Record<string, unknown> = { ...known, ...(extra ?? {}) };
      for (const key of missing) delete body[key];
      return body;
    });
}

/** class-validator's own answer, as the gateway would ask for it without any shortcut. */
function reference(dto: new () => object, body: object): { ok: boolean; value: object } {
  const instance = plainToInstance(dto, body);
  return { ok: validateSync(instance, SETTINGS).length === 0, value: instance };
}

function agree(dto: new () => object, body: object): void {
  const outcome = compileBodyValidator(dto)(body) as ValidationOutcome;
  const expected = reference(dto, body);
  expect(outcome.ok).toBe(expected.ok);
  if (outcome.ok) {
    expect(outcome.value).toBeInstanceOf(dto);
    expect(outcome.value).toEqual(expected.value);
  } else {
    expect(outcome.details.length).toBeGreaterThan(0);
  }
}

test('the compiled check plans both DTOs (the fast path exists for them)', () => {
  for (const dto of [EchoDto, MixedDto]) {
    const plan = planDto(dto, SETTINGS);
    expect(plan.async).toBe(false);
    expect(plan.copyFlat).toBeInstanceOf(Function);
    expect(plan.accepts).toBeInstanceOf(Function);
  }
});

test('accepts and refuses echo bodies exactly as class-validator does', () => {
  const body = bodies({
    n: fc.integer(),
    s: fc.string({ minLength: 32, maxLength: 32 }),
  });
  fc.assert(
    fc.property(body, (value) => agree(EchoDto, value)),
    { seed: 16, numRuns: 600 },
  );
});

test('accepts and refuses bodies of a DTO with optional, conditional, custom and default properties as class-validator does', () => {
  const body = bodies({
    count: fc.integer({ min: 0, max: 10 }),
    flag: fc.boolean(),
    kind: fc.constantFrom('a', 'b'),
    note: fc.constantFrom('ab', 'abc'),
    free: leaf,
    must: leaf,
    withDefault: fc.integer({ min: -4, max: 8 }),
    onlyForA: fc.integer(),
  });
  let accepted = 0;
  fc.assert(
    fc.property(body, (value) => {
      agree(MixedDto, value);
      if (reference(MixedDto, value).ok) accepted++;
    }),
    { seed: 16, numRuns: 1500 },
  );
  // Both answers were exercised, not only refusals.
  expect(accepted).toBeGreaterThan(50);
});

test('a correct flat body is accepted without class-validator; a wrong one is explained by it', () => {
  const check = compileBodyValidator(EchoDto);
  const storage = getMetadataStorage();
  const lookups = jest.spyOn(storage, 'getTargetValidationMetadatas');
  try {
    const ok = check({ n: 1, s: 'abcdefghijklmnopqrstuvwxyz012345' }) as ValidationOutcome;
    expect(ok).toEqual({ ok: true, value: { n: 1, s: 'abcdefghijklmnopqrstuvwxyz012345' } });
    expect(lookups).not.toHaveBeenCalled();

    const wrong = check({ n: 1.5, s: 'short' }) as ValidationOutcome;
    expect(wrong.ok).toBe(false);
    expect(lookups).toHaveBeenCalled();
  } finally {
    lookups.mockRestore();
  }
});

test('options that select constraints (groups, skipMissingProperties) leave the check to class-validator', () => {
  expect(planDto(EchoDto, { ...SETTINGS, groups: ['a'] }).accepts).toBeUndefined();
  expect(planDto(EchoDto, { ...SETTINGS, skipMissingProperties: true }).accepts).toBeUndefined();
  expect(planDto(EchoDto, { ...SETTINGS, skipMissingProperties: false }).accepts).toBeInstanceOf(
    Function,
  );
});

test('a DTO without any constraint is refused by class-validator (forbidUnknownValues)', () => {
  class EmptyDto {}
  expect(planDto(EmptyDto, SETTINGS).accepts).toBeUndefined();
  agree(EmptyDto, {});
});

test('each-constraints are left to class-validator', () => {
  class TagsDto {
    @IsString({ each: true }) tags!: string[];
  }
  expect(planDto(TagsDto, SETTINGS).accepts).toBeUndefined();
});

test('a constraint that returns a promise without being declared async is left to class-validator', () => {
  class LaterDto {
    @ValidateBy({ name: 'later', validator: { validate: () => Promise.resolve(false) } })
    value!: string;
  }
  const plan = planDto(LaterDto, SETTINGS);
  expect(plan.accepts?.(plan.copyFlat!({ value: 'x' }))).toBe(false);
  // validateSync does not wait for such a promise: the body passes there, and so here.
  agree(LaterDto, { value: 'x' });
});

test('a constraint container that builds a new instance per lookup is asked on every check', () => {
  const built: unknown[] = [];
  useContainer(
    {
      get: <T>(someClass: new () => T): T => {
        const instance = new someClass();
        built.push(instance);
        return instance;
      },
    },
    { fallback: true },
  );
  try {
    class FreshDto {
      @IsInt() n!: number;
    }
    const plan = planDto(FreshDto, SETTINGS);
    const before = built.length;
    expect(plan.accepts?.(plan.copyFlat!({ n: 1 }))).toBe(true);
    expect(plan.accepts?.(plan.copyFlat!({ n: 1.5 }))).toBe(false);
    expect(built.length).toBe(before + 2);
  } finally {
    useContainer(undefined as never);
  }
});
