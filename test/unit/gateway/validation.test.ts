import fc from 'fast-check';
import { Expose, Exclude, plainToInstance, Transform, Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Length,
  Min,
  Validate,
  ValidateNested,
  ValidatePromise,
  validateSync,
  IsBoolean,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { compileBodyValidator, type ValidationOutcome } from '../../../src/gateway/validation';

class SayDto {
  @IsString() @Length(1, 10) text!: string;
}

class AddressDto {
  @IsString() city!: string;
}

class ItemDto {
  @IsString() name!: string;
}

class OrderDto {
  @ValidateNested() @Type(() => AddressDto) address!: AddressDto;
  @ValidateNested({ each: true }) @Type(() => ItemDto) items!: ItemDto[];
  @IsOptional() @IsInt() @Min(1) quantity?: number;
}

@ValidatorConstraint({ name: 'notTaken', async: true })
class NotTaken implements ValidatorConstraintInterface {
  async validate(value: unknown) {
    return value !== 'taken';
  }
  defaultMessage() {
    return 'name is already taken';
  }
}

class SignupDto {
  @Validate(NotTaken) name!: string;
}

class WrapsSignupDto {
  @ValidateNested() @Type(() => SignupDto) signup!: SignupDto;
}

class UntypedNestedDto {
  @ValidateNested() address!: AddressDto;
}

class PromiseDto {
  @ValidatePromise() @IsString() token!: string;
}

class WithCycleDto {
  @IsString() label!: string;
  @IsOptional() @ValidateNested() @Type(() => WithCycleDto) next?: WithCycleDto;
}

class DiscriminatedDto {
  @ValidateNested()
  @Type(() => Object, {
    discriminator: {
      property: 'kind',
      subTypes: [
        { name: 'address', value: AddressDto },
        { name: 'signup', value: SignupDto },
      ],
    },
  })
  payload!: AddressDto | SignupDto;
}

class ArgumentTypeDto {
  @ValidateNested()
  @Type((options) => ((options?.object as { kind?: string }).kind === 'a' ? AddressDto : ItemDto))
  payload!: AddressDto | ItemDto;
}

class BrokenTypeDto {
  // A type function returning something that is not a class cannot be planned.
  @ValidateNested() @Type(() => 'address' as never) address!: AddressDto;
}

class ProfileDto {
  @IsString() name!: string;
  @IsOptional() @IsInt() age?: number;
  @IsOptional() @IsBoolean() admin = false;
  get label() {
    return `${this.name}!`;
  }
  greet() {
    return 'hi ' + this.name;
  }
}

class TrimmedDto {
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 5)
  text!: string;
}

@Exclude()
class ExposedDto {
  @Expose({ name: 'n' }) @IsString() name!: string;
}

class RenamedDto {
  @Expose({ name: 'n' }) @IsString() name!: string;
}

class HiddenDto {
  @IsString() name!: string;
  @Exclude() @IsOptional() internal?: string;
}

const ok = (outcome: ValidationOutcome) => {
  if (!outcome.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome.details)}`);
  return outcome.value;
};
const failed = (outcome: ValidationOutcome) => {
  if (outcome.ok) throw new Error('expected a failure');
  return outcome.details;
};

describe('compileBodyValidator', () => {
  it('returns a DTO instance for a valid body, synchronously when no constraint is async', () => {
    const outcome = compileBodyValidator(SayDto)({ text: 'hi' });
    expect(outcome).not.toBeInstanceOf(Promise);
    const value = ok(outcome as ValidationOutcome);
    expect(value).toBeInstanceOf(SayDto);
    expect(value).toEqual({ text: 'hi' });
  });

  it('reports failed constraints by path, with messages only, never the value', () => {
    const details = failed(
      compileBodyValidator(SayDto)({ text: 'secret-value-too-long' }) as ValidationOutcome,
    );
    expect(details).toEqual([{ path: 'text', constraints: { isLength: expect.any(String) } }]);
    expect(JSON.stringify(details)).not.toContain('secret-value');
  });

  it('rejects unknown properties by default (forbidNonWhitelisted)', () => {
    const details = failed(
      compileBodyValidator(SayDto)({ text: 'hi', admin: true }) as ValidationOutcome,
    );
    expect(details).toEqual([
      { path: 'admin', constraints: { whitelistValidation: expect.any(String) } },
    ]);
  });

  it('merges options over the defaults: whitelist alone strips unknown properties', () => {
    const strip = compileBodyValidator(SayDto, { forbidNonWhitelisted: false });
    expect(ok(strip({ text: 'hi', admin: true }) as ValidationOutcome)).toEqual({ text: 'hi' });
  });

  it('flattens nested errors into dotted paths with numeric array indexes', () => {
    const check = compileBodyValidator(OrderDto);
    const details = failed(
      check({
        address: { city: 5 },
        items: [{ name: 'a' }, { name: 7 }],
        quantity: 0,
      }) as ValidationOutcome,
    );
    expect(details).toEqual([
      { path: 'address.city', constraints: { isString: expect.any(String) } },
      { path: 'items.1.name', constraints: { isString: expect.any(String) } },
      { path: 'quantity', constraints: { min: expect.any(String) } },
    ]);
    expect(JSON.stringify(details)).not.toMatch(/"value"|"target"/);
  });

  it('builds nested DTO instances for a valid nested body', () => {
    const value = ok(
      compileBodyValidator(OrderDto)({
        address: { city: 'Oslo' },
        items: [{ name: 'a' }],
      }) as ValidationOutcome,
    ) as OrderDto;
    expect(value.address).toBeInstanceOf(AddressDto);
    expect(value.items[0]).toBeInstanceOf(ItemDto);
  });

  it.each([
    ['an array', [{ text: 'hi' }]],
    ['null', null],
    ['a string', 'hi'],
    ['a number', 42],
    ['missing', undefined],
    ['a non-plain object', new Date(0)],
  ])('refuses a body that is %s', (_label, body) => {
    expect(failed(compileBodyValidator(SayDto)(body) as ValidationOutcome)).toEqual([
      { path: '', constraints: { isObject: expect.any(String) } },
    ]);
  });

  it('accepts a null-prototype object as a plain object', () => {
    const body = Object.assign(Object.create(null) as object, { text: 'hi' });
    expect(ok(compileBodyValidator(SayDto)(body) as ValidationOutcome)).toEqual({ text: 'hi' });
  });

  it.each([
    ['__proto__ at the top', '{"__proto__":{"isAdmin":true},"text":"hi"}', '__proto__'],
    [
      'constructor nested',
      '{"text":"hi","meta":{"constructor":{"prototype":{}}}}',
      'meta.constructor',
    ],
    [
      'prototype inside an array',
      '{"text":"hi","list":[1,{"a":{"prototype":1}}]}',
      'list.1.a.prototype',
    ],
  ])('refuses %s before transforming, without touching Object.prototype', (_label, json, path) => {
    const details = failed(compileBodyValidator(SayDto)(JSON.parse(json)) as ValidationOutcome);
    expect(details).toEqual([{ path, constraints: { forbiddenKey: expect.any(String) } }]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('walks very deep bodies without recursion', () => {
    let deep: Record<string, unknown> = { constructor: 1 };
    for (let i = 0; i < 50_000; i++) deep = { a: deep };
    const details = failed(compileBodyValidator(SayDto)({ text: 'hi', deep }) as ValidationOutcome);
    expect(details[0].constraints).toHaveProperty('forbiddenKey');
  });

  it('keeps DTO defaults and never overwrites methods or getters with body keys', () => {
    const value = ok(
      compileBodyValidator(ProfileDto)({ name: 'ada', greet: 1, label: 2 }) as ValidationOutcome,
    ) as ProfileDto;
    expect(value).toBeInstanceOf(ProfileDto);
    expect(value.admin).toBe(false);
    expect(value.greet()).toBe('hi ada');
    expect(value.label).toBe('ada!');
  });

  it('applies @Transform and @Expose (the class-transformer path)', () => {
    expect(ok(compileBodyValidator(TrimmedDto)({ text: '  abc  ' }) as ValidationOutcome)).toEqual({
      text: 'abc',
    });
    const exposed = ok(compileBodyValidator(ExposedDto)({ n: 'ada' }) as ValidationOutcome);
    expect(exposed).toEqual({ name: 'ada' });
    expect(ok(compileBodyValidator(RenamedDto)({ n: 'ada' }) as ValidationOutcome)).toEqual({
      name: 'ada',
    });
    expect(
      ok(compileBodyValidator(HiddenDto)({ name: 'ada', internal: 'x' }) as ValidationOutcome),
    ).toEqual({ name: 'ada' });
  });

  it('gives the same outcome as plainToInstance + validateSync for any body (seeded property)', () => {
    const settings = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true };
    const key = fc.constantFrom(
      'name',
      'age',
      'admin',
      'secret',
      'label',
      'greet',
      'toString',
      'x',
    );
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const body = fc.dictionary(
      key,
      fc.oneof(leaf, fc.array(leaf, { maxLength: 2 }), fc.dictionary(key, leaf)),
    );
    for (const options of [undefined, { forbidNonWhitelisted: false }, { whitelist: false }]) {
      const check = compileBodyValidator(ProfileDto, options);
      fc.assert(
        fc.property(body, (value) => {
          const expected = plainToInstance(ProfileDto, value);
          const errors = validateSync(expected, { ...settings, ...options });
          const outcome = check(value) as ValidationOutcome;
          expect(outcome.ok).toBe(errors.length === 0);
          if (outcome.ok) expect(outcome.value).toEqual(expected);
          else
            expect(outcome.details.map((detail) => detail.path)).toEqual(
              errors.map((error) => error.property),
            );
        }),
        { seed: 4246, numRuns: 300 },
      );
    }
  });

  it('caches the compiled validator per DTO and options object', () => {
    const options = { forbidNonWhitelisted: false };
    expect(compileBodyValidator(SayDto)).toBe(compileBodyValidator(SayDto));
    expect(compileBodyValidator(SayDto, options)).toBe(compileBodyValidator(SayDto, options));
    expect(compileBodyValidator(SayDto, options)).not.toBe(compileBodyValidator(SayDto));
  });

  it('runs async constraints, returning a promise', async () => {
    const check = compileBodyValidator(SignupDto);
    const pending = check({ name: 'taken' });
    expect(pending).toBeInstanceOf(Promise);
    expect(failed(await pending)).toEqual([
      { path: 'name', constraints: { notTaken: 'name is already taken' } },
    ]);
    expect(ok(await check({ name: 'free' }))).toBeInstanceOf(SignupDto);
  });

  it('runs async constraints of nested DTOs', async () => {
    const details = failed(
      await compileBodyValidator(WrapsSignupDto)({ signup: { name: 'taken' } }),
    );
    expect(details).toEqual([
      { path: 'signup.name', constraints: { notTaken: expect.any(String) } },
    ]);
  });

  it('refuses non-object bodies on the async path too', async () => {
    expect(failed(await compileBodyValidator(SignupDto)([]))).toEqual([
      { path: '', constraints: { isObject: expect.any(String) } },
    ]);
  });

  it('throws when the DTO code itself throws, for the runtime to report', () => {
    expect(() => compileBodyValidator(BrokenTypeDto)({ address: {} })).toThrow(TypeError);
  });

  it('treats @ValidatePromise as async', () => {
    expect(compileBodyValidator(PromiseDto)({ token: 'x' })).toBeInstanceOf(Promise);
  });

  it('stays async when a nested type cannot be planned (no @Type, or one needing its arguments)', async () => {
    const untyped = compileBodyValidator(UntypedNestedDto)({ address: { city: 'Oslo' } });
    expect(untyped).toBeInstanceOf(Promise);
    // Without @Type the nested value stays a plain object, which forbidUnknownValues refuses.
    expect(failed(await untyped)).toEqual([
      { path: 'address', constraints: { unknownValue: expect.any(String) } },
    ]);
    expect(compileBodyValidator(BrokenTypeDto)({})).toBeInstanceOf(Promise);
    expect(
      compileBodyValidator(ArgumentTypeDto)({ payload: { kind: 'a', city: 'x' } }),
    ).toBeInstanceOf(Promise);
  });

  it('plans discriminated subtypes, and self-referencing DTOs without looping', async () => {
    expect(
      compileBodyValidator(DiscriminatedDto)({ payload: { kind: 'signup', name: 'x' } }),
    ).toBeInstanceOf(Promise);
    const outcome = compileBodyValidator(WithCycleDto)({ label: 'a', next: { label: 1 } });
    expect(outcome).not.toBeInstanceOf(Promise);
    expect(failed(outcome as ValidationOutcome)).toEqual([
      { path: 'next.label', constraints: { isString: expect.any(String) } },
    ]);
  });
});
