import { GatewayError } from '../../../src/errors';

/** The GatewayError `run` throws; fails the test when it does not throw. */
export function thrownBy(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}
