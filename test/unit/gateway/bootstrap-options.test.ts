import { container } from 'tsyringe';
import { MemoryAdapter } from 'fastify-ws-gateway';
import { checkBootstrapOptions } from '../../../src/gateway/bootstrap-options';
import { jsonCodec } from '../../../src/gateway/json-codec';

const where = 'bootstrap(app, gateways, options)';

describe('checkBootstrapOptions', () => {
  it('takes every option in its documented form', () => {
    expect(() =>
      checkBootstrapOptions({
        container: container.createChildContainer(),
        adapter: new MemoryAdapter(),
        limits: { maxPayload: 1024 },
        requireDto: true,
        allowedOrigins: '*',
        validator: { whitelist: true },
        codec: jsonCodec,
        providers: [],
        guards: [],
        interceptors: [],
        filters: [],
        tracing: false,
        clusterTimeoutMs: 100,
        resume: { maxDisconnectionMs: 1000 },
        asyncapi: undefined,
        metrics: undefined,
      }),
    ).not.toThrow();
  });

  it.each([
    [null, 'options must be an object'],
    [[], 'options must be an object'],
    [{ bogus: 1 }, 'unknown option "bogus": use one of container, adapter, limits'],
    [{ container: 5 }, 'option "container" must be a tsyringe DependencyContainer'],
    [{ adapter: {} }, 'option "adapter" must be a GatewayAdapter (an object with open(channel))'],
    [{ limits: 'x' }, 'option "limits" must be an object'],
    [{ requireDto: 'yes' }, 'option "requireDto" must be a boolean'],
    [{ allowedOrigins: 5 }, 'option "allowedOrigins" must be an array of strings or \'*\''],
    [{ validator: 'x' }, 'option "validator" must be an object'],
    [{ codec: {} }, 'option "codec" must have decode(), encode() and a boolean "binary"'],
    [{ tracing: 'x' }, 'option "tracing" must be a boolean'],
    [{ clusterTimeoutMs: 0 }, 'option "clusterTimeoutMs" must be a positive integer (ms), got 0'],
    [{ resume: 'x' }, 'option "resume" must be true, false or an options object'],
  ])('refuses %j: %s', (options, message) => {
    expect(() => checkBootstrapOptions(options)).toThrow(`${where}: ${message}`);
  });
});
