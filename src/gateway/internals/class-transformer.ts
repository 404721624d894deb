/**
 * class-transformer's decorator metadata, which its public API does not export. Read only to
 * plan (once per DTO) whether a flat body may be copied instead of run through
 * `plainToInstance`, and which classes a nested property holds. Without it (another version,
 * another build layout) validation takes the public path: `plainToInstance` for every body and
 * class-validator's async `validate` for DTOs with nested properties. Same results, slower.
 */
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';

/** The part of class-transformer's storage the planner reads. */
export type TransformerMetadata = Pick<
  MetadataStorage,
  | 'getStrategy'
  | 'getExposedMetadatas'
  | 'getExcludedMetadatas'
  | 'findTypeMetadata'
  | 'findTransformMetadatas'
>;

const METHODS = [
  'getStrategy',
  'getExposedMetadatas',
  'getExcludedMetadatas',
  'findTypeMetadata',
  'findTransformMetadatas',
] as const;

/** The storage from `load()` when it has every method the planner calls, else undefined. */
export function readTransformerMetadata(
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  load: () => unknown = () => require('class-transformer/cjs/storage'),
): TransformerMetadata | undefined {
  let storage: unknown;
  try {
    storage = (load() as { defaultMetadataStorage?: unknown } | undefined)?.defaultMetadataStorage;
  } catch {
    return undefined;
  }
  if (typeof storage !== 'object' || storage === null) return undefined;
  const methods = storage as Record<string, unknown>;
  return METHODS.every((name) => typeof methods[name] === 'function')
    ? (storage as TransformerMetadata)
    : undefined;
}

/** class-transformer's storage in this process, or undefined when it cannot be read. */
export const transformerMetadata = readTransformerMetadata();
