import {
  readTransformerMetadata,
  transformerMetadata,
} from '../../../../src/gateway/internals/class-transformer';

test('with the pinned class-transformer, its metadata storage is read (the fast path is on)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const internal = require('class-transformer/cjs/storage').defaultMetadataStorage;
  expect(transformerMetadata).toBeDefined();
  expect(transformerMetadata).toBe(internal);
});

test('a storage that is missing, throws on load or lacks a method is not used', () => {
  expect(readTransformerMetadata(() => ({}))).toBeUndefined();
  expect(readTransformerMetadata(() => undefined)).toBeUndefined();
  expect(
    readTransformerMetadata(() => {
      throw new Error('Cannot find module');
    }),
  ).toBeUndefined();
  const partial = { defaultMetadataStorage: { getStrategy: () => 'none' } };
  expect(readTransformerMetadata(() => partial)).toBeUndefined();
});
