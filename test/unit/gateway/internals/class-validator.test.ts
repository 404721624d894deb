import { getMetadataStorage } from 'class-validator';
import {
  readValidatorMetadata,
  validatorMetadata,
} from '../../../../src/gateway/internals/class-validator';

test('with the pinned class-validator, its metadata reader is used (the fast path is on)', () => {
  expect(validatorMetadata).toBeDefined();
  expect(validatorMetadata).toBe(getMetadataStorage());
});

test('a storage that is missing, throws or lacks a method is not used', () => {
  expect(readValidatorMetadata(() => undefined)).toBeUndefined();
  expect(readValidatorMetadata(() => null)).toBeUndefined();
  expect(
    readValidatorMetadata(() => {
      throw new Error('gone');
    }),
  ).toBeUndefined();
  expect(readValidatorMetadata(() => ({ getTargetValidationMetadatas: () => [] }))).toBeUndefined();
});
