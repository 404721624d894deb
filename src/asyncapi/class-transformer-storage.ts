/**
 * class-transformer keeps `@Type(() => Item)` in a storage its index does not export; the schema
 * generator needs it to know what an array or nested property holds. This is the one place that
 * reaches for it: checked, with a fallback (no storage: nested types come from `design:type`
 * only, so arrays of DTOs are documented as arrays of anything).
 */
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';

/** class-transformer's metadata storage, or undefined when this version does not have it where expected. */
export function classTransformerStorage(): MetadataStorage | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
      defaultMetadataStorage?: Partial<MetadataStorage>;
    };
    return typeof defaultMetadataStorage?.findTypeMetadata === 'function' &&
      typeof defaultMetadataStorage.findExcludeMetadata === 'function'
      ? (defaultMetadataStorage as MetadataStorage)
      : undefined;
  } catch {
    return undefined;
  }
}
