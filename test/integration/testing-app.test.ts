import { Gateway, OnMessage } from 'fastify-ws-gateway';
import { connectGateway, createTestingApp } from 'fastify-ws-gateway/testing';

class MessageStore {
  load() {
    return ['from the real store'];
  }
}

@Gateway('/history')
class HistoryGateway {
  constructor(private readonly store: MessageStore) {}
  @OnMessage('history') history() {
    return this.store.load();
  }
}

describe('createTestingApp', () => {
  it('returns a ready app with the real providers', async () => {
    const app = await createTestingApp({ gateways: [HistoryGateway], providers: [MessageStore] });
    const client = await connectGateway(app, '/history');
    await expect(client.request('history', {})).resolves.toEqual(['from the real store']);
    await client.close();
    await app.close();
  });

  it('replaces a listed provider, or a plain service the gateway injects', async () => {
    const fake = { load: () => ['from the fake'] };
    for (const providers of [[MessageStore], []]) {
      const app = await createTestingApp({
        gateways: [HistoryGateway],
        providers,
        overrides: [{ provide: MessageStore, useValue: fake }],
      });
      const client = await connectGateway(app, '/history');
      await expect(client.request('history', {})).resolves.toEqual(['from the fake']);
      await client.close();
      await app.close();
    }
  });

  it('closes the app and rejects when bootstrap fails', async () => {
    await expect(createTestingApp({ gateways: [class NotAGateway {}] })).rejects.toMatchObject({
      code: 'FWG_ERR_NOT_A_GATEWAY',
    });
  });
});
