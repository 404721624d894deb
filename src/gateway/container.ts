import type { FastifyRequest } from 'fastify';
import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { GatewayDefinition } from '../definition';
import { Errors, type GatewayError } from '../errors';
import { untypedConstructorParameters } from '../metadata';
import { Connection } from './connection';
import { GatewayServer } from './gateway-server';

/**
 * Injection token of the upgrade request, for connection-scoped gateways and their services.
 *
 * @example
 * ```ts
 * @Gateway('/feed', { scope: 'connection' })
 * class FeedGateway {
 *   constructor(@inject(FASTIFY_REQUEST) private readonly request: FastifyRequest) {}
 * }
 * ```
 */
export const FASTIFY_REQUEST: InjectionToken<FastifyRequest> = Symbol('fastify-ws-gateway.request');

/** One gateway's container: its `GatewayServer`, and connection-only tokens guarded for singletons. */
export interface GatewayContainer {
  readonly container: DependencyContainer;
  /** Set when a singleton asked for a connection-only token while being built. */
  refused: GatewayError | undefined;
}

/** A child of `parent` (the app's container) for one gateway. */
export function createGatewayContainer(
  parent: DependencyContainer,
  definition: GatewayDefinition,
  server: GatewayServer,
): GatewayContainer {
  const untyped = untypedConstructorParameters(definition.target);
  // Found at ready(), not as tsyringe's "TypeInfo not known" at the first resolution.
  if (untyped > 0) throw Errors.CONSTRUCTOR_TYPES_MISSING(definition.name, untyped);
  const container = parent.createChildContainer();
  const scope: GatewayContainer = { container, refused: undefined };
  container.registerInstance(GatewayServer, server);
  // Connection-scoped children override these with the real values.
  const refuse = (error: GatewayError) => () => {
    scope.refused = error;
    throw error;
  };
  container.register(Connection, {
    useFactory: refuse(Errors.CONNECTION_NOT_INJECTABLE(definition.name)),
  });
  container.register(FASTIFY_REQUEST, {
    useFactory: refuse(Errors.REQUEST_NOT_INJECTABLE(definition.name)),
  });
  return scope;
}

/** Builds a singleton gateway; a misuse found while building is reported as itself. */
export function resolveSingleton(scope: GatewayContainer, definition: GatewayDefinition): object {
  try {
    return scope.container.resolve(definition.target as InjectionToken<object>);
  } catch (error) {
    // tsyringe rewraps constructor failures; report our own error unwrapped.
    throw scope.refused ?? error;
  }
}

/** Builds a connection-scoped gateway in a child container holding the connection and request. */
export function resolveForConnection(
  scope: GatewayContainer,
  definition: GatewayDefinition,
  connection: Connection,
  request: FastifyRequest,
): object {
  const child = scope.container.createChildContainer();
  child.registerInstance(Connection, connection);
  child.registerInstance(FASTIFY_REQUEST, request);
  return child.resolve(definition.target as InjectionToken<object>);
}
