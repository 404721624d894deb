import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { SchemaRegistry, enumSchema, toDraft07 } from '../../../src/asyncapi/dto-schemas';
import { classTransformerStorage } from '../../../src/asyncapi/class-transformer-storage';

enum Color {
  Red = 'red',
  Blue = 'blue',
}
enum Level {
  Low,
  High,
}

class AddressDto {
  @IsString() @Length(2, 80) city!: string;
  @IsOptional() @Matches(/^\d{5}$/) zip?: string;
}

class ItemDto {
  @IsString() name!: string;
  @IsInt() @Min(1) @Max(99) quantity!: number;
}

class OrderDto {
  @IsString() @MaxLength(40) customer!: string;
  @IsOptional() @IsEmail() email?: string;
  @IsEnum(Color) color!: Color;
  @IsEnum(Level) level!: Level;
  @IsIn(['a', 'b']) letter!: string;
  @IsNumber() @IsPositive() total!: number;
  @IsBoolean() gift!: boolean;
  @ValidateNested() @Type(() => AddressDto) shipTo!: AddressDto;
  @IsOptional() @ValidateNested() @Type(() => AddressDto) billTo?: AddressDto;
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
  @ValidateNested() @Type(() => ItemDto) extras!: ItemDto[];
  @IsString({ each: true }) tags!: string[];
  @IsUrl() site!: string;
}

describe('SchemaRegistry: DTO classes to JSON Schema (Draft 07)', () => {
  const registry = new SchemaRegistry();
  const ref = registry.ref(OrderDto);
  const schemas = registry.schemas;
  const order = schemas.OrderDto as { properties: Record<string, unknown>; required: string[] };

  it('returns a $ref to a component schema named after the class', () => {
    expect(ref).toEqual({ $ref: '#/components/schemas/OrderDto' });
    expect(Object.keys(schemas)).toEqual(['OrderDto', 'AddressDto', 'ItemDto']);
  });

  it('lists every property not marked @IsOptional as required', () => {
    expect(order.required.sort()).toEqual(
      [
        'customer',
        'color',
        'level',
        'letter',
        'total',
        'gift',
        'shipTo',
        'items',
        'extras',
        'tags',
        'site',
      ].sort(),
    );
    expect(schemas.AddressDto).toMatchObject({ required: ['city'] });
  });

  it('maps types, lengths, ranges and patterns', () => {
    expect(order.properties.customer).toEqual({ type: 'string', maxLength: 40 });
    expect(order.properties.email).toEqual({ type: 'string', format: 'email' });
    expect(order.properties.total).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(order.properties.gift).toEqual({ type: 'boolean' });
    expect(schemas.AddressDto).toMatchObject({
      type: 'object',
      properties: {
        city: { type: 'string', minLength: 2, maxLength: 80 },
        zip: { type: 'string', pattern: '^\\d{5}$' },
      },
    });
    expect(schemas.ItemDto).toMatchObject({
      properties: { quantity: { type: 'integer', minimum: 1, maximum: 99 } },
    });
  });

  it('maps string and numeric enums to their values only', () => {
    expect(order.properties.color).toEqual({ type: 'string', enum: ['red', 'blue'] });
    expect(order.properties.level).toEqual({ type: 'integer', enum: [0, 1] });
    expect(order.properties.letter).toEqual({ type: 'string', enum: ['a', 'b'] });
  });

  it('refers nested DTOs and arrays of DTOs to one shared component', () => {
    expect(order.properties.shipTo).toEqual({ $ref: '#/components/schemas/AddressDto' });
    expect(order.properties.billTo).toEqual({ $ref: '#/components/schemas/AddressDto' });
    expect(order.properties.items).toEqual({
      type: 'array',
      maxItems: 10,
      items: { $ref: '#/components/schemas/ItemDto' },
    });
    // class-validator checks each element of an array even without { each: true }
    expect(order.properties.extras).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/ItemDto' },
    });
    expect(order.properties.tags).toEqual({ type: 'array', items: { type: 'string' } });
  });

  it('writes the url format as JSON Schema names it', () => {
    expect(order.properties.site).toEqual({ type: 'string', format: 'uri' });
  });

  it('converts a DTO that nests itself once', () => {
    class TreeDto {
      @IsString() label!: string;
      @IsOptional() @ValidateNested({ each: true }) @Type(() => TreeDto) children?: TreeDto[];
    }
    const tree = new SchemaRegistry();
    tree.ref(TreeDto);
    expect(tree.schemas.TreeDto).toMatchObject({
      properties: { children: { type: 'array', items: { $ref: '#/components/schemas/TreeDto' } } },
    });
  });

  it('gives two different classes of the same name two components', () => {
    const first = (() => {
      class SameDto {
        @IsString() a!: string;
      }
      return SameDto;
    })();
    const second = (() => {
      class SameDto {
        @IsInt() b!: number;
      }
      return SameDto;
    })();
    const both = new SchemaRegistry();
    expect([both.ref(first), both.ref(second), both.ref(first)]).toEqual([
      { $ref: '#/components/schemas/SameDto' },
      { $ref: '#/components/schemas/SameDto_2' },
      { $ref: '#/components/schemas/SameDto' },
    ]);
  });

  it('gives a custom-validated property the schema of its declared type', () => {
    @ValidatorConstraint({ name: 'anything' })
    class Anything implements ValidatorConstraintInterface {
      validate(): boolean {
        return true;
      }
    }
    class CustomDto {
      @Validate(Anything) text!: string;
      @Validate(Anything) count!: number;
      @Validate(Anything) flag!: boolean;
      @Validate(Anything) when!: Date;
      @Validate(Anything) list!: string[];
      @Validate(Anything) loose!: object;
      @Validate(Anything) address!: AddressDto;
    }
    const custom = new SchemaRegistry();
    custom.ref(CustomDto);
    expect(custom.schemas.CustomDto).toMatchObject({
      properties: {
        text: { type: 'string' },
        count: { type: 'number' },
        flag: { type: 'boolean' },
        when: { type: 'string', format: 'date-time' },
        list: { type: 'array' },
        loose: {},
        address: { $ref: '#/components/schemas/AddressDto' },
      },
    });
  });

  it('documents a class without validation decorators as an object', () => {
    class BareDto {
      value = 1;
    }
    const bare = new SchemaRegistry();
    bare.ref(BareDto);
    expect(bare.schemas.BareDto).toEqual({ type: 'object' });
  });

  it('keeps @JSONSchema additions, rewriting OpenAPI keywords', () => {
    class NoteDto {
      @JSONSchema({ description: 'Free text', example: 'hello', nullable: true })
      @IsString()
      text!: string | null;

      @JSONSchema({ exclusiveMaximum: true, maximum: 5 })
      @IsNumber()
      stars!: number;
    }
    const notes = new SchemaRegistry();
    notes.ref(NoteDto);
    expect(notes.schemas.NoteDto).toMatchObject({
      properties: {
        text: { type: ['string', 'null'], description: 'Free text', examples: ['hello'] },
        stars: { type: 'number', exclusiveMaximum: 5 },
      },
    });
    expect(
      (notes.schemas.NoteDto as { properties: { stars: object } }).properties.stars,
    ).not.toHaveProperty('maximum');
  });

  it('takes nested types from class-transformer’s storage with the pinned version', () => {
    expect(classTransformerStorage()?.findTypeMetadata(OrderDto, 'items')?.typeFunction()).toBe(
      ItemDto,
    );
  });
});

describe('enumSchema', () => {
  it('types mixed and fractional enums by their values', () => {
    expect(enumSchema({ A: 'a', B: 2 })).toEqual({ enum: ['a', 2] });
    expect(enumSchema({ Half: 0.5, One: 1 })).toEqual({ type: 'number', enum: [0.5, 1] });
  });
});

describe('toDraft07', () => {
  it('rewrites nullable without a type, boolean exclusive bounds and example, but not property names', () => {
    expect(
      toDraft07({
        type: 'object',
        properties: {
          example: { type: 'string' },
          nullable: { anyOf: [{ type: 'string' }], nullable: true },
          low: { type: 'number', minimum: 1, exclusiveMinimum: false },
          high: { type: 'number', exclusiveMaximum: true },
          given: { example: 1, examples: [2] },
          plain: { nullable: false, type: 'string' },
        },
        items: [{ example: 'x' }],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        example: { type: 'string' },
        nullable: { anyOf: [{ anyOf: [{ type: 'string' }] }, { type: 'null' }] },
        low: { type: 'number', minimum: 1 },
        high: { type: 'number' },
        given: { examples: [2] },
        plain: { type: 'string' },
      },
      items: [{ examples: ['x'] }],
    });
  });
});

describe('without class-transformer’s storage (another class-transformer version)', () => {
  afterEach(() => jest.dontMock('class-transformer/cjs/storage'));

  it.each([
    ['a storage without the expected methods', () => ({ defaultMetadataStorage: {} })],
    [
      'a module that fails to load',
      () => {
        throw new Error('moved');
      },
    ],
  ])('falls back on %s: nested types from design:type, arrays of anything', (_label, factory) => {
    jest.doMock('class-transformer/cjs/storage', factory);
    jest.isolateModules(() => {
      type Schemas = typeof import('../../../src/asyncapi/dto-schemas');
      type Storage = typeof import('../../../src/asyncapi/class-transformer-storage');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../../src/asyncapi/dto-schemas') as Schemas;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const storage = require('../../../src/asyncapi/class-transformer-storage') as Storage;
      expect(storage.classTransformerStorage()).toBeUndefined();
      const registry = new isolated.SchemaRegistry();
      registry.ref(OrderDto);
      expect(registry.schemas.OrderDto).toMatchObject({
        properties: {
          shipTo: { $ref: '#/components/schemas/AddressDto' },
          items: { type: 'array', items: {} },
        },
      });
    });
  });
});
