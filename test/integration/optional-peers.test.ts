import Fastify from 'fastify';

const loaded: string[] = [];
jest.mock('prom-client', () => {
  loaded.push('prom-client');
  throw new Error('not installed');
});
jest.mock('@opentelemetry/api', () => {
  loaded.push('@opentelemetry/api');
  throw new Error('not installed');
});

// Imported after the mocks, as an app without the optional peers would load it.
import { Gateway, OnMessage, bootstrap } from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';

@Gateway('/plain')
class PlainGateway {
  @OnMessage('say') say() {
    return 'ok';
  }
}

describe('optional peers', () => {
  it('never loads prom-client or @opentelemetry/api when metrics and tracing are unused', async () => {
    const app = Fastify();
    await bootstrap(app, [PlainGateway]);
    const client = await connectGateway(app, '/plain');
    await expect(client.request('say', {})).resolves.toBe('ok');
    await client.close();
    await app.close();
    expect(loaded).toEqual([]);
  });

  it('says to install prom-client when metrics are asked for without it', async () => {
    const app = Fastify();
    await expect(
      bootstrap(app, [PlainGateway], { metrics: { registry: {} as never } }),
    ).rejects.toThrow('install prom-client, an optional peer dependency');
    expect(loaded).toEqual(['prom-client']);
  });
});
