/**
 * DTO classes to JSON Schema (Draft 07, AsyncAPI's default schema format), from their
 * class-validator and class-transformer metadata. class-validator-jsonschema does the
 * conversion; by hand here only what it does not: nested and array DTO types resolved to
 * component `$ref`s we name (so two classes can never share one), TypeScript enums (it lists a
 * numeric enum's reverse mapping and calls it a string), and the few OpenAPI 3.0 keywords its
 * output or a user's `@JSONSchema` may carry.
 */
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { IS_ENUM, ValidationTypes } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { Constructor } from '../definition';
import { readPropertyType } from '../metadata';
import { classTransformerStorage } from './class-transformer-storage';

/** A JSON Schema (Draft 07) object. */
export type JsonSchema = { [keyword: string]: unknown };

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/**
 * Converts DTO classes on demand and keeps each as one component schema: `ref(Dto)` returns
 * `{ $ref }` and converts the class (and the DTOs it nests) the first time.
 *
 * @example
 * const registry = new SchemaRegistry();
 * registry.ref(SayDto);  // { $ref: '#/components/schemas/SayDto' }
 * registry.schemas;      // { SayDto: { type: 'object', properties: { text: … }, required: ['text'] } }
 */
export class SchemaRegistry {
  readonly #names = new Map<Constructor, string>();
  readonly #schemas: Record<string, JsonSchema> = {};
  readonly #storage = classTransformerStorage();

  /** Component schemas by name, in the order the classes were first referenced. */
  get schemas(): Readonly<Record<string, JsonSchema>> {
    return this.#schemas;
  }

  ref(dto: Constructor): JsonSchema {
    let name = this.#names.get(dto);
    if (name === undefined) {
      name = this.#uniqueName(dto);
      this.#names.set(dto, name);
      this.#schemas[name] = {}; // reserved first, so a DTO that nests itself terminates
      this.#schemas[name] = this.#convert(dto);
    }
    return { $ref: SCHEMA_REF_PREFIX + name };
  }

  #convert(dto: Constructor): JsonSchema {
    const nested = (meta: ValidationMetadata) => this.#propertySchema(meta);
    const schema = targetConstructorToSchema(dto, {
      classTransformerMetadataStorage: this.#storage,
      refPointerPrefix: SCHEMA_REF_PREFIX,
      additionalConverters: {
        [ValidationTypes.NESTED_VALIDATION]: nested,
        [ValidationTypes.CUSTOM_VALIDATION]: nested,
        [IS_ENUM]: (meta: ValidationMetadata) => enumSchema(meta.constraints[0] as object),
      },
    }) as JsonSchema;
    // A class without validation decorators converts to {}: it is still an object.
    return toDraft07(Object.keys(schema).length === 0 ? { type: 'object' } : schema);
  }

  /** A nested (`@ValidateNested` + `@Type`) or custom-validated property: its type's schema. */
  #propertySchema(meta: ValidationMetadata): JsonSchema {
    const target = meta.target as Constructor;
    const declared = readPropertyType(target.prototype as object, meta.propertyName);
    const typeMetadata = this.#storage?.findTypeMetadata(target, meta.propertyName);
    const type = typeMetadata === undefined ? declared : typeMetadata.typeFunction();
    const schema = this.schemaOf(type);
    // class-validator validates every element of an array even without { each: true }.
    return declared === Array && !meta.each && type !== Array
      ? { type: 'array', items: schema }
      : schema;
  }

  /**
   * The schema of a declared type: `String`, `Number`, `Boolean` and `Date` as JSON types, a
   * class as a `$ref` to its component, anything else (`Object`, none) as any value.
   */
  schemaOf(type: unknown): JsonSchema {
    if (type === String) return { type: 'string' };
    if (type === Number) return { type: 'number' };
    if (type === Boolean) return { type: 'boolean' };
    if (type === Date) return { type: 'string', format: 'date-time' };
    if (type === Array) return { type: 'array' };
    if (typeof type !== 'function' || type === Object) return {};
    return this.ref(type as Constructor);
  }

  #uniqueName(dto: Constructor): string {
    const base = (dto.name || 'Anonymous').replace(/[^\w.-]/g, '_');
    let name = base;
    for (let n = 2; Object.hasOwn(this.#schemas, name); n++) name = `${base}_${n}`;
    return name;
  }
}

/**
 * `@IsEnum(E)`: the enum's values with the JSON type they share. A numeric TypeScript enum
 * also maps its values back to its names (`E[0] === 'A'`); those entries are not values.
 */
export function enumSchema(entity: object): JsonSchema {
  const record = entity as Record<string, unknown>;
  const values = Object.entries(record)
    .filter(([key, value]) => !(typeof value === 'string' && record[value] === Number(key)))
    .map(([, value]) => value);
  if (values.every((value) => typeof value === 'string')) return { type: 'string', enum: values };
  if (values.every((value) => typeof value === 'number')) {
    return { type: values.every(Number.isInteger) ? 'integer' : 'number', enum: values };
  }
  return { enum: values };
}

/**
 * Rewrites the OpenAPI 3.0 keywords class-validator-jsonschema (or a user's `@JSONSchema`) may
 * produce into their JSON Schema Draft 07 form: `nullable`, `example`, boolean
 * `exclusiveMinimum`/`exclusiveMaximum`, and the `url` format (JSON Schema calls it `uri`).
 */
export function toDraft07(schema: unknown): JsonSchema {
  return convert(schema) as JsonSchema;
}

// Keywords whose value is a schema, a list of schemas, or a map of name to schema: only those
// are walked, so a property called `example` or `nullable` is left alone.
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'contains']);
const SCHEMA_LIST_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'items']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions']);

function convert(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: JsonSchema = {};
  for (const [key, child] of Object.entries(value)) {
    if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(child)) out[key] = child.map(convert);
    else if (SCHEMA_KEYWORDS.has(key)) out[key] = convert(child);
    else if (SCHEMA_MAP_KEYWORDS.has(key) && typeof child === 'object' && child !== null) {
      out[key] = Object.fromEntries(
        Object.entries(child).map(([name, schema]) => [name, convert(schema)]),
      );
    } else out[key] = child;
  }
  if ('example' in out) {
    out.examples ??= [out.example];
    delete out.example;
  }
  for (const [flag, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] === true && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  if (out.format === 'url') out.format = 'uri';
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else return { anyOf: [out, { type: 'null' }] };
  } else delete out.nullable;
  return out;
}
