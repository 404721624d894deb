import Fastify from 'fastify';
import {
  Gateway,
  GatewayServer,
  Inject,
  OnMessage,
  bootstrap,
  type Provider,
} from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { injectable } from 'tsyringe';

interface Config {
  readonly url: string;
}

const events: string[] = [];

class MessageStore {
  readonly messages: string[] = [];
  onReady() {
    events.push('store:ready');
  }
  onClose() {
    events.push('store:close');
  }
}

/** TypeScript records constructor types only on a decorated class: any decorator will do. */
@injectable()
class Greeter {
  constructor(readonly store: MessageStore) {}
  greet(name: string) {
    this.store.messages.push(name);
    return `hello ${name}`;
  }
}

class Db {
  closed = false;
  constructor(readonly url: string) {}
  static async connect(url: string) {
    await new Promise((resolve) => setImmediate(resolve));
    events.push('db:connected');
    return new Db(url);
  }
  async onReady() {
    await new Promise((resolve) => setImmediate(resolve));
    events.push('db:ready');
  }
  async onClose() {
    await new Promise((resolve) => setImmediate(resolve));
    this.closed = true;
    events.push('db:close');
  }
}

abstract class Clock {
  abstract now(): number;
}
class FixedClock extends Clock {
  now() {
    return 42;
  }
}

class Repo {
  constructor(
    @Inject('CONFIG') readonly config: Config,
    readonly db: Db,
    readonly clock: Clock,
  ) {}
}

@Gateway('/a')
class AGateway {
  server: GatewayServer | undefined;
  constructor(
    readonly greeter: Greeter,
    readonly repo: Repo,
  ) {}
  afterInit(server: GatewayServer) {
    this.server = server;
    events.push('a:afterInit');
  }
  onReady() {
    events.push('a:ready');
  }
  onClose() {
    events.push('a:close');
  }
  @OnMessage('greet') greet(body: { name: string }) {
    return this.greeter.greet(body.name);
  }
  @OnMessage('info') info() {
    return { url: this.repo.db.url, now: this.repo.clock.now(), config: this.repo.config.url };
  }
}

@Gateway('/b')
class BGateway {
  constructor(readonly store: MessageStore) {}
  @OnMessage('count') count() {
    return this.store.messages.length;
  }
}

const providers: Provider[] = [
  MessageStore,
  { provide: 'CONFIG', useValue: { url: 'db://test' } },
  { provide: Db, useFactory: (config: Config) => Db.connect(config.url), inject: ['CONFIG'] },
  { provide: Clock, useClass: FixedClock },
];

describe('providers and lifecycle', () => {
  beforeEach(() => {
    events.length = 0;
  });

  it('shares one instance of a plain service across gateways, and builds every provider form', async () => {
    const app = Fastify();
    await bootstrap(app, [AGateway, BGateway], { providers });
    await app.ready();
    const a = await connectGateway(app, '/a');
    const b = await connectGateway(app, '/b');
    await expect(a.request('greet', { name: 'ann' })).resolves.toBe('hello ann');
    await expect(b.request('count', {})).resolves.toBe(1);
    await expect(a.request('info', {})).resolves.toEqual({
      url: 'db://test',
      now: 42,
      config: 'db://test',
    });
    await a.close();
    await b.close();
    await app.close();
  });

  it('runs the async factory before ready() ends, then afterInit, onReady in order, onClose in reverse after the drain', async () => {
    const app = Fastify();
    await bootstrap(app, [AGateway], { providers });
    expect(events).toEqual(['db:connected']);
    await app.ready();
    expect(events).toEqual(['db:connected', 'a:afterInit', 'store:ready', 'db:ready', 'a:ready']);
    events.length = 0;
    await app.close();
    expect(events).toEqual(['a:close', 'db:close', 'store:close']);
  });

  it('fails ready() naming the token of a failing factory', async () => {
    const app = Fastify();
    const failing = bootstrap(app, [BGateway], {
      providers: [
        MessageStore,
        {
          provide: 'POOL',
          useFactory: async () => {
            throw new Error('connection refused');
          },
        },
      ],
    });
    await expect(failing).rejects.toMatchObject({
      code: 'FWG_ERR_PROVIDER_FAILED',
      message: 'The factory of provider "POOL" failed: connection refused',
    });
    await expect(app.ready()).rejects.toMatchObject({ code: 'FWG_ERR_PROVIDER_FAILED' });
  });

  it('names the chain of a missing token', async () => {
    class NeedsConfig {
      constructor(@Inject('MISSING') readonly config: Config) {}
    }
    @Gateway('/missing')
    class MissingGateway {
      constructor(readonly service: NeedsConfig) {}
    }
    const app = Fastify();
    await expect(bootstrap(app, [MissingGateway])).rejects.toThrow(
      'Nothing provides "MISSING" (needed by MissingGateway -> NeedsConfig)',
    );
  });

  it('names an undecorated class whose parameter types TypeScript did not record', async () => {
    class Plain {
      constructor(readonly store: MessageStore) {}
    }
    @Gateway('/plain')
    class PlainGateway {
      constructor(readonly service: Plain) {}
    }
    await expect(bootstrap(Fastify(), [PlainGateway])).rejects.toMatchObject({
      code: 'FWG_ERR_NO_TYPE_METADATA',
      message: expect.stringContaining(
        'Plain takes constructor parameters but has no recorded types for them (needed by PlainGateway -> Plain)',
      ),
    });
  });

  it('names the useClass class whose parameter types are unknown, under its token', async () => {
    class PlainClock extends Clock {
      constructor(readonly offset: number) {
        super();
      }
      now() {
        return this.offset;
      }
    }
    await expect(
      bootstrap(Fastify(), [BGateway], {
        providers: [MessageStore, { provide: Clock, useClass: PlainClock }],
      }),
    ).rejects.toThrow(
      'PlainClock takes constructor parameters but has no recorded types for them (needed by Clock -> PlainClock)',
    );
  });

  it('names a parameter whose type TypeScript left undefined (a circular import)', async () => {
    class Circular {
      constructor(readonly other: unknown) {}
    }
    Reflect.defineMetadata('design:paramtypes', [undefined], Circular);
    @Gateway('/circular')
    class CircularGateway {
      constructor(readonly service: Circular) {}
    }
    await expect(bootstrap(Fastify(), [CircularGateway])).rejects.toThrow(
      'Nothing provides parameter 0 of Circular (typed with nothing)',
    );
  });

  it('skips optional parameters, and gives services that need the GatewayServer one per gateway', async () => {
    const announcers: unknown[] = [];
    @injectable()
    class Announcer {
      constructor(
        readonly server: GatewayServer,
        @Inject('ABSENT', { isOptional: true }) readonly absent?: unknown,
      ) {
        announcers.push(this);
      }
    }
    @Gateway('/one')
    class OneGateway {
      constructor(
        readonly announcer: Announcer,
        readonly server: GatewayServer,
      ) {}
      @OnMessage('same') same() {
        return this.announcer.server === this.server;
      }
    }
    @Gateway('/two')
    class TwoGateway {
      constructor(readonly announcer: Announcer) {}
    }
    const app = Fastify();
    await bootstrap(app, [OneGateway, TwoGateway]);
    await app.ready();
    const client = await connectGateway(app, '/one');
    await expect(client.request('same', {})).resolves.toBe(true);
    expect(announcers).toHaveLength(2);
    await client.close();
    await app.close();
  });

  it('names a factory that throws something other than an Error', async () => {
    await expect(
      bootstrap(Fastify(), [BGateway], {
        providers: [MessageStore, { provide: 'ODD', useFactory: () => Promise.reject('odd') }],
      }),
    ).rejects.toThrow('The factory of provider "ODD" failed: odd');
  });

  it('names symbol tokens and anonymous classes', async () => {
    const DB = Symbol('db');
    class Anonymous {
      constructor(@Inject(DB) readonly db: unknown) {}
    }
    Object.defineProperty(Anonymous, 'name', { value: '' });
    @Gateway('/symbol')
    class SymbolGateway {
      constructor(@Inject(Anonymous) readonly service: unknown) {}
    }
    await expect(bootstrap(Fastify(), [SymbolGateway])).rejects.toThrow(
      'Nothing provides Symbol(db) (needed by SymbolGateway -> an anonymous class)',
    );
  });

  it('names a parameter typed with an interface', async () => {
    @injectable()
    class Untyped {
      constructor(readonly config: Config) {}
    }
    @Gateway('/untyped')
    class UntypedGateway {
      constructor(readonly service: Untyped) {}
    }
    await expect(bootstrap(Fastify(), [UntypedGateway])).rejects.toThrow(
      'Nothing provides parameter 0 of Untyped (typed Object) (needed by UntypedGateway -> Untyped)',
    );
  });

  it('names a cycle between providers', async () => {
    class Left {
      constructor(@Inject('RIGHT') readonly right: unknown) {}
    }
    const app = Fastify();
    await expect(
      bootstrap(app, [BGateway], {
        providers: [
          MessageStore,
          Left,
          { provide: 'RIGHT', useFactory: (left: Left) => ({ left }), inject: [Left] },
        ],
      }),
    ).rejects.toMatchObject({
      code: 'FWG_ERR_PROVIDER_CYCLE',
      message: expect.stringContaining('Left -> "RIGHT" -> Left'),
    });
  });

  it.each([
    [42, 'pass a class, or an object with provide'],
    [{ provide: 'X' }, '"X" needs exactly one of useValue, useClass, useFactory'],
    [{ provide: 'X', useClass: 'nope' }, 'useClass of "X" must be a class'],
    [{ provide: 'X', useFactory: 1 }, 'useFactory of "X" must be a function'],
    [{ provide: 1, useValue: 1 }, 'provide must be a class, a string or a symbol'],
  ])('refuses a misdeclared provider %p', async (provider, message) => {
    await expect(
      bootstrap(Fastify(), [BGateway], { providers: [provider as never] }),
    ).rejects.toThrow(`bootstrap() providers[0] is not a provider: ${message}`);
  });

  it('refuses providers that are not an array', async () => {
    await expect(
      bootstrap(Fastify(), [BGateway], { providers: MessageStore as never }),
    ).rejects.toThrow('bootstrap() providers: pass an array of providers');
  });

  it('keeps going when one onClose throws, and logs it', async () => {
    const logged: string[] = [];
    class Broken {
      onClose() {
        throw new Error('cannot close');
      }
    }
    const app = Fastify({
      logger: {
        level: 'error',
        stream: { write: (line: string) => void logged.push(line) },
      },
    });
    await bootstrap(app, [BGateway], { providers: [MessageStore, Broken] });
    await app.ready();
    await app.close();
    expect(events).toEqual(['store:ready', 'store:close']);
    expect(logged.join('')).toContain('Broken.onClose() failed');
  });
});
