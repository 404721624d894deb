import type { FastifyRequest } from 'fastify';
import { container as globalContainer, inject } from 'tsyringe';
import { Gateway } from '../../../src/decorators';
import { Connection } from '../../../src/gateway/connection';
import {
  FASTIFY_REQUEST,
  createGatewayContainer,
  resolveForConnection,
  resolveSingleton,
} from '../../../src/gateway/container';
import { GatewayServer, type BroadcastTarget } from '../../../src/gateway/gateway-server';
import { readGatewayDefinition } from '../../../src/metadata';

const target = {} as BroadcastTarget;

class Clock {}

@Gateway('/single')
class SingleGateway {
  constructor(
    readonly clock: Clock,
    readonly server: GatewayServer,
  ) {}
}

@Gateway('/per-connection', { scope: 'connection' })
class PerConnectionGateway {
  constructor(
    readonly connection: Connection,
    @inject(FASTIFY_REQUEST) readonly request: FastifyRequest,
  ) {}
}

@Gateway('/wants-connection')
class WantsConnectionGateway {
  constructor(readonly connection: Connection) {}
}

describe('gateway containers', () => {
  it("resolve a singleton with the gateway's own GatewayServer, in a child of the parent", () => {
    const parent = globalContainer.createChildContainer();
    const server = new GatewayServer(target);
    const definition = readGatewayDefinition(SingleGateway);
    const scope = createGatewayContainer(parent, definition, server);
    const gateway = resolveSingleton(scope, definition) as SingleGateway;
    expect(gateway.server).toBe(server);
    expect(gateway.clock).toBeInstanceOf(Clock);
    expect(parent.isRegistered(GatewayServer)).toBe(false);
  });

  it('give a connection-scoped gateway its Connection and request', () => {
    const definition = readGatewayDefinition(PerConnectionGateway);
    const scope = createGatewayContainer(globalContainer, definition, new GatewayServer(target));
    const connection = { id: 'c1' } as Connection;
    const request = { id: 'req-1' } as FastifyRequest;
    const first = resolveForConnection(scope, definition, connection, request);
    const second = resolveForConnection(scope, definition, connection, request);
    expect(first).toMatchObject({ connection, request });
    expect(first).not.toBe(second);
  });

  it('report a singleton asking for Connection as our own error, unwrapped', () => {
    const definition = readGatewayDefinition(WantsConnectionGateway);
    const scope = createGatewayContainer(globalContainer, definition, new GatewayServer(target));
    expect(() => resolveSingleton(scope, definition)).toThrow(
      expect.objectContaining({ code: 'FWG_ERR_CONNECTION_NOT_INJECTABLE' }),
    );
  });
});
