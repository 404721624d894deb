/**
 * class-validator's metadata reader. `getMetadataStorage()` is exported, but the methods that
 * list a class's constraints are not documented API. Read only to plan (once per DTO) a check
 * that accepts a correct flat body without running class-validator, and whether a DTO has async
 * constraints. Without them validation takes the public path: class-validator's async
 * `validate` for every body. Same results, slower.
 */
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { ConstraintMetadata } from 'class-validator/types/metadata/ConstraintMetadata';

// class-validator types classes and constraint classes as `Function`.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/** The part of class-validator's storage the planner reads. */
export interface ValidatorMetadata {
  getTargetValidationMetadatas(
    target: Target,
    targetSchema: string | undefined,
    always: boolean,
    strictGroups: boolean,
    groups?: string[],
  ): ValidationMetadata[];
  getTargetValidatorConstraints(target: Target): ConstraintMetadata[];
}

const METHODS = ['getTargetValidationMetadatas', 'getTargetValidatorConstraints'] as const;

/** The storage from `load()` when it has every method the planner calls, else undefined. */
export function readValidatorMetadata(
  load: () => unknown = getMetadataStorage,
): ValidatorMetadata | undefined {
  let storage: unknown;
  try {
    storage = load();
  } catch {
    return undefined;
  }
  if (typeof storage !== 'object' || storage === null) return undefined;
  const methods = storage as Record<string, unknown>;
  return METHODS.every((name) => typeof methods[name] === 'function')
    ? (storage as ValidatorMetadata)
    : undefined;
}

/** class-validator's storage in this process, or undefined when it cannot be read. */
export const validatorMetadata = readValidatorMetadata();
