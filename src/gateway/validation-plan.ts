/**
 * What depends only on a DTO, decided once when its validator is compiled: whether validation
 * can be synchronous, whether a flat body may be copied instead of run through class-transformer,
 * and a precomputed check that accepts a correct flat body by calling the DTO's own constraint
 * functions directly. class-validator itself still answers whenever that check does not accept,
 * so a refusal and its explanation are always class-validator's.
 */
import { TransformationType, type ClassConstructor } from 'class-transformer';
import type {
  ValidationArguments,
  ValidatorConstraintInterface,
  ValidatorOptions,
} from 'class-validator';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { Constructor } from '../definition';
import { transformerMetadata, type TransformerMetadata } from './internals/class-transformer';
import { validatorMetadata, type ValidatorMetadata } from './internals/class-validator';

export interface DtoPlan {
  /** Validation may hit an async constraint: use class-validator's `validate`. */
  readonly async: boolean;
  /** Builds the DTO from a flat body as `plainToInstance` would; absent when it cannot. */
  readonly copyFlat?: (body: Record<string, unknown>) => object;
  /** True when class-validator would find nothing wrong with `instance` (built by copyFlat);
   * false means "ask class-validator", not "invalid". */
  readonly accepts?: (instance: object) => boolean;
}

/** The dependency internals the planner reads; undefined ones turn their shortcut off. */
export interface PlanSources {
  readonly transformer: TransformerMetadata | undefined;
  readonly validator: ValidatorMetadata | undefined;
}

const SOURCES: PlanSources = { transformer: transformerMetadata, validator: validatorMetadata };

// class-validator's ValidationTypes, as the strings it stores in its metadata.
const CUSTOM = 'customValidation';
const IS_DEFINED = 'isDefined';
const CONDITIONAL = 'conditionalValidation';
const WHITELIST = 'whitelistValidation';

/** Options that change which constraints run; with any of them on, no precomputed check. */
const SELECTING_OPTIONS = [
  'groups',
  'always',
  'strictGroups',
  'skipMissingProperties',
  'skipNullProperties',
  'skipUndefinedProperties',
] as const;

export function planDto(
  dto: Constructor,
  settings: ValidatorOptions,
  sources: PlanSources = SOURCES,
): DtoPlan {
  const async = hasAsyncConstraints(dto, sources);
  const type = dto as ClassConstructor<object>;
  const copyFlat = transformIsPlainCopy(dto, settings, sources) ? flatCopier(type) : undefined;
  // copyFlat exists only when both internals could be read.
  const accepts =
    !async && copyFlat !== undefined
      ? compileAcceptance(dto, settings, sources.validator!)
      : undefined;
  return { async, copyFlat, accepts };
}

/** One constraint of one property, with what class-validator would pass to it. */
interface Rule {
  readonly metadata: ValidationMetadata;
  readonly constraint: ConstraintMetadata;
  /** Resolved once when the constraint container gives the same instance every time. */
  readonly instance: ValidatorConstraintInterface | undefined;
}

interface PropertyCheck {
  readonly property: string;
  readonly conditions: ((object: object, value: unknown) => boolean)[];
  readonly rules: Rule[];
}

/**
 * The acceptance check, as class-validator's executor runs it with these settings and without
 * groups: every own key is whitelisted; per property, unless a condition (`@IsOptional`,
 * `@ValidateIf`) skips it, every constraint's `validate` returns a truthy non-promise. Undefined
 * when the DTO uses anything this check does not mirror (nested or promise validation, `each`,
 * async constraints, options that select constraints).
 */
function compileAcceptance(
  dto: Constructor,
  settings: ValidatorOptions,
  validator: ValidatorMetadata,
): ((instance: object) => boolean) | undefined {
  // whitelist is on: copyFlat requires it.
  const options = settings as Record<string, unknown>;
  if (SELECTING_OPTIONS.some((key) => options[key] !== undefined && options[key] !== false)) {
    return undefined;
  }
  const metadatas = validator.getTargetValidationMetadatas(dto, undefined, false, false);
  // No metadata at all: forbidUnknownValues refuses it; class-validator explains.
  if (metadatas.length === 0) return undefined;
  const checks = new Map<string, PropertyCheck>();
  for (const metadata of metadatas) {
    let check = checks.get(metadata.propertyName);
    if (check === undefined) {
      check = { property: metadata.propertyName, conditions: [], rules: [] };
      checks.set(metadata.propertyName, check);
    }
    if (metadata.type === WHITELIST) continue;
    if (metadata.type === CONDITIONAL) {
      check.conditions.push(metadata.constraints[0] as (object: object, value: unknown) => boolean);
      continue;
    }
    /* c8 ignore next -- nested and promise validation make the DTO async or nested: never planned */
    if (metadata.type !== CUSTOM && metadata.type !== IS_DEFINED) return undefined;
    if (metadata.each) return undefined;
    // No constraint here is async: hasAsyncConstraints ruled that out before.
    for (const constraint of validator.getTargetValidatorConstraints(metadata.constraintCls)) {
      // A container that hands out a new instance per lookup is asked each time, as class-validator does.
      const instance =
        constraint.instance === constraint.instance ? constraint.instance : undefined;
      check.rules.push({ metadata, constraint, instance });
    }
  }
  const properties = [...checks.values()];
  // What class-validator passes as `targetName`: instances from copyFlat have no own
  // `constructor` (a class cannot declare that field; the body key is refused).
  const targetName = (dto.prototype as { constructor?: { name?: string } }).constructor?.name;
  return (instance) => {
    for (const key of Object.keys(instance)) if (!checks.has(key)) return false;
    for (const { property, conditions, rules } of properties) {
      const value = (instance as Record<string, unknown>)[property];
      if (!conditions.every((condition) => condition(instance, value))) continue;
      for (const rule of rules) if (!passes(rule, instance, value, targetName)) return false;
    }
    return true;
  };
}

function passes(
  rule: Rule,
  object: object,
  value: unknown,
  targetName: string | undefined,
): boolean {
  const { metadata } = rule;
  if (metadata.validateIf !== undefined && !metadata.validateIf(object, value)) return true;
  const args: ValidationArguments = {
    targetName: targetName as string,
    property: metadata.propertyName,
    object,
    value,
    constraints: metadata.constraints,
  };
  const result: unknown = (rule.instance ?? rule.constraint.instance).validate(value, args);
  // A promise from a constraint not declared async: class-validator decides what it means.
  if (typeof (result as { then?: unknown } | null)?.then === 'function') return false;
  return Boolean(result);
}

/**
 * Whether validating `dto` may hit an async constraint (`async: true` custom constraint or
 * `@ValidatePromise`), in the DTO or a nested one. A nested type we cannot see counts as async,
 * so the fast synchronous path is only taken when it is provably complete.
 */
function hasAsyncConstraints(dto: Constructor, sources: PlanSources): boolean {
  const { validator } = sources;
  if (validator === undefined) return true;
  const seen = new Set<Constructor>();
  const pending: Constructor[] = [dto];
  while (pending.length > 0) {
    const target = pending.pop() as Constructor;
    if (seen.has(target)) continue;
    seen.add(target);
    for (const metadata of validator.getTargetValidationMetadatas(target, '', true, false)) {
      if (metadata.type === 'promiseValidation') return true;
      if (metadata.type === 'customValidation') {
        const constraints = validator.getTargetValidatorConstraints(metadata.constraintCls);
        if (constraints.some((constraint) => constraint.async)) return true;
      }
      if (metadata.type === 'nestedValidation') {
        const nested = nestedTypes(target, metadata.propertyName, sources);
        if (nested === undefined) return true;
        pending.push(...nested);
      }
    }
  }
  return false;
}

/**
 * True when `plainToInstance(dto, flatBody)` amounts to `new dto()` plus copying the body's keys:
 * no `@Expose`/`@Exclude`, and no `@Type`/`@Transform` on a validated property (with whitelist on,
 * other properties are stripped or refused whatever their value).
 */
function transformIsPlainCopy(
  dto: Constructor,
  settings: ValidatorOptions,
  { transformer, validator }: PlanSources,
): boolean {
  if (transformer === undefined || validator === undefined) return false;
  if (settings.whitelist !== true || transformer.getStrategy(dto) !== 'none') return false;
  if (transformer.getExposedMetadatas(dto).length > 0) return false;
  if (transformer.getExcludedMetadatas(dto).length > 0) return false;
  const validated = validator.getTargetValidationMetadatas(dto, '', true, false);
  return validated.every(
    ({ propertyName }) =>
      transformer.findTypeMetadata(dto, propertyName) === undefined &&
      transformer.findTransformMetadatas(dto, propertyName, TransformationType.PLAIN_TO_CLASS)
        .length === 0,
  );
}

/** What plainToInstance does for a flat body and a DTO without transformer metadata, minus its overhead. */
function flatCopier(type: ClassConstructor<object>): (body: Record<string, unknown>) => object {
  // Like class-transformer, never overwrite methods or getter-only properties of the DTO.
  const prototype = type.prototype as object;
  const readOnly = new Set(
    Object.getOwnPropertyNames(prototype).filter(
      (key) => Object.getOwnPropertyDescriptor(prototype, key)?.set === undefined,
    ),
  );
  return (body) => {
    const instance = new type() as Record<string, unknown>;
    for (const key of Object.keys(body)) {
      if (readOnly.has(key) || instance[key] instanceof Function) continue;
      instance[key] = body[key];
    }
    return instance;
  };
}

/** Classes a nested property can hold, from its `@Type`; undefined when they cannot be known. */
function nestedTypes(
  target: Constructor,
  propertyName: string,
  { transformer }: PlanSources,
): Constructor[] | undefined {
  const metadata = transformer?.findTypeMetadata(target, propertyName);
  if (metadata === undefined) return undefined;
  const subTypes = metadata.options.discriminator?.subTypes;
  if (subTypes !== undefined) return subTypes.map((subType) => subType.value as Constructor);
  try {
    const type = (metadata.typeFunction as () => unknown)();
    return typeof type === 'function' ? [type as Constructor] : undefined;
  } catch {
    // A type function that needs its transform-time arguments: we cannot plan, stay async.
    return undefined;
  }
}
