import Fastify, { type FastifyInstance } from 'fastify';
import { IsString } from 'class-validator';
import {
  Gateway,
  Inject,
  OnMessage,
  SetMetadata,
  UseFilters,
  UseGuards,
  UseInterceptors,
  WsException,
  bootstrap,
  type CanActivate,
  type ExceptionFilter,
  type Interceptor,
  type MessageContext,
} from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';
import { listen } from '../support/network';
import { TestClient, type ServerFrame } from '../support/test-client';
import { deferred } from '../support/waiting';

class SayDto {
  @IsString() text!: string;
}

class NotFound extends Error {}

const calls: string[] = [];

/** An interceptor class with an injected dependency: it writes its label before and after. */
class Recorder implements Interceptor {
  constructor(@Inject('LABEL') private readonly label: string) {}
  async intercept(_ctx: MessageContext, next: () => unknown) {
    calls.push(`${this.label}:before`);
    const result = await next();
    calls.push(`${this.label}:after`);
    return result;
  }
}
const classInterceptor = (ctx: MessageContext, next: () => unknown) => {
  calls.push(`class:${ctx.event}`);
  return next();
};
const methodInterceptor = {
  intercept(_ctx: MessageContext, next: () => unknown) {
    calls.push('method');
    return next();
  },
};
const wrapReply = (_ctx: MessageContext, next: () => unknown) => ({ wrapped: next() });
const answerFromCache = () => 'cached';
const throwing = () => {
  throw new WsException('busy', 'Try later');
};
const crashing = () => {
  throw new Error('interceptor bug');
};
const rejecting = () => Promise.reject(new WsException('nope', 'Rejected'));
const twice = (_ctx: MessageContext, next: () => unknown) => {
  next();
  return next();
};
const handlerRan = { count: 0, late: deferred() };
const lateNext = (_ctx: MessageContext, next: () => unknown) => {
  setImmediate(() => {
    void Promise.resolve()
      .then(next)
      .catch(() => handlerRan.late.resolve());
  });
  return 'early';
};

class Roles implements CanActivate {
  canActivate(ctx: MessageContext): boolean {
    const roles = ctx.getMetadata<string[]>('roles') ?? [];
    return roles.length === 0 || roles.includes(String(ctx.connection.query.role));
  }
}

const notFoundFilter: ExceptionFilter = {
  catch: (error) =>
    error instanceof NotFound ? new WsException('not_found', error.message) : undefined,
};
class LabelFilter implements ExceptionFilter {
  constructor(private readonly label: string) {}
  catch(error: unknown) {
    return error instanceof Error && error.message === this.label
      ? new WsException(this.label, `mapped by ${this.label}`)
      : undefined;
  }
}
const seenByGlobalFilter: unknown[] = [];
const globalFilter = (error: unknown, ctx: MessageContext) => {
  seenByGlobalFilter.push({ event: ctx.event, error });
  return error instanceof Error && error.message.startsWith('global')
    ? new WsException('global', 'mapped globally')
    : undefined;
};

@Gateway('/pipeline')
@UseInterceptors(classInterceptor)
@UseFilters(new LabelFilter('class'), notFoundFilter)
@SetMetadata('roles', ['member'])
@UseGuards(Roles)
class PipelineGateway {
  @UseInterceptors(methodInterceptor)
  @OnMessage('say')
  say(body: SayDto) {
    calls.push('handler');
    return { text: body.text };
  }

  @SetMetadata('roles', ['admin'])
  @OnMessage('kick')
  kick() {
    return 'kicked';
  }

  @UseInterceptors(wrapReply) @OnMessage('wrap') wrap() {
    return 'inner';
  }

  @UseInterceptors(answerFromCache) @OnMessage('cache') cache() {
    calls.push('handler');
    return 'fresh';
  }

  @UseInterceptors(throwing) @OnMessage('throws') throws() {
    return 'never';
  }

  @UseInterceptors(crashing) @OnMessage('crashes') crashes() {
    return 'never';
  }

  @UseInterceptors(rejecting) @OnMessage('rejects') rejects() {
    return 'never';
  }

  @UseInterceptors(twice) @OnMessage('twice') twice() {
    handlerRan.count++;
    return handlerRan.count;
  }

  @UseInterceptors(lateNext) @OnMessage('late') late() {
    throw new Error('late failure');
  }

  @OnMessage('missing') missing() {
    throw new NotFound('no such room');
  }

  @UseFilters(new LabelFilter('method'))
  @OnMessage('labelled')
  labelled(body: { which: string }) {
    throw new Error(body.which);
  }

  @UseFilters((error: unknown) => {
    throw error instanceof Error && error.message === 'ws'
      ? new WsException('from_filter', 'The filter threw this')
      : new Error('filter bug');
  })
  @OnMessage('filterThrows')
  filterThrows(body: { which: string }) {
    throw new Error(body.which);
  }

  @OnMessage('context')
  context(body: unknown) {
    return body;
  }

  @OnMessage('ping') ping() {
    return 'pong';
  }
}

let contexts: Record<string, unknown>[] = [];
const contextRecorder = (ctx: MessageContext, next: () => unknown) => {
  contexts.push({
    connection: ctx.connection.id,
    event: ctx.event,
    id: ctx.id,
    body: ctx.body,
    gateway: ctx.gateway,
    handler: ctx.handler,
    roles: ctx.getMetadata('roles'),
  });
  return next();
};

describe('the message pipeline: interceptors, filters, class guards, metadata', () => {
  let app: FastifyInstance;
  let url: string;
  beforeEach(async () => {
    calls.length = 0;
    contexts = [];
    seenByGlobalFilter.length = 0;
    handlerRan.count = 0;
    handlerRan.late = deferred();
    app = Fastify();
    await bootstrap(app, [PipelineGateway], {
      providers: [{ provide: 'LABEL', useValue: 'global' }],
      interceptors: [Recorder, contextRecorder],
      filters: [globalFilter],
    });
    url = await listen(app);
  });
  afterEach(() => app.close());

  const member = () => TestClient.open(`${url}/pipeline?role=member`);

  /** Proves no further frame with `id` arrives: the server answers a later request first. */
  async function expectNoMoreFrames(client: TestClient, id: string | number): Promise<void> {
    await client.roundTrip();
    await client.request('ping', {}, 'after');
    expect(client.unread.filter((frame: ServerFrame) => frame.id === id)).toEqual([]);
  }

  it('runs global, class then method interceptors around the handler, global outermost', async () => {
    const client = await member();
    const reply = await client.request('say', { text: 'hi' }, 1);
    expect(reply.data).toEqual({ text: 'hi' });
    expect(calls).toEqual(['global:before', 'class:say', 'method', 'handler', 'global:after']);
    await client.close();
  });

  it('gives interceptors the message context: connection, event, id, validated body, gateway, handler, metadata', async () => {
    const client = await member();
    await client.request('say', { text: 'hi' }, 'r1');
    expect(contexts).toEqual([
      {
        connection: expect.any(String),
        event: 'say',
        id: 'r1',
        body: expect.any(SayDto),
        gateway: PipelineGateway,
        handler: 'say',
        roles: ['member'],
      },
    ]);
    await client.close();
  });

  it('lets an interceptor map the reply or answer without the handler', async () => {
    const client = await member();
    expect((await client.request('wrap', {}, 1)).data).toEqual({ wrapped: 'inner' });
    expect((await client.request('cache', {}, 2)).data).toBe('cached');
    expect(calls).not.toContain('handler');
    await client.close();
  });

  it('answers exactly once whatever an interceptor does', async () => {
    const client = await member();
    expect((await client.request('throws', {}, 1)).data).toMatchObject({ code: 'busy' });
    expect((await client.request('crashes', {}, 2)).data).toEqual({
      code: 'internal_error',
      message: 'Internal error',
    });
    expect((await client.request('rejects', {}, 3)).data).toMatchObject({ code: 'nope' });
    expect((await client.request('twice', {}, 4)).data).toBe(1);
    expect(handlerRan.count).toBe(1);
    expect((await client.request('late', {}, 5)).data).toBe('early');
    await handlerRan.late.promise;
    for (const id of [1, 2, 3, 4, 5]) await expectNoMoreFrames(client, id);
    await client.close();
  });

  it('reads metadata handler first, then class, in a class guard', async () => {
    const client = await member();
    expect((await client.request('kick', {}, 1)).data).toMatchObject({ code: 'forbidden' });
    await client.close();
    const admin = await TestClient.open(`${url}/pipeline?role=admin`);
    expect((await admin.request('kick', {}, 1)).data).toBe('kicked');
    expect((await admin.request('ping', {}, 2)).data).toMatchObject({ code: 'forbidden' });
    await admin.close();
  });

  it('maps errors with filters: the method first, then the class, then global', async () => {
    const client = await member();
    expect((await client.request('missing', {}, 1)).data).toEqual({
      code: 'not_found',
      message: 'no such room',
    });
    for (const which of ['method', 'class', 'global']) {
      expect((await client.request('labelled', { which }, which)).data).toMatchObject({
        code: which,
      });
    }
    const unmapped = (await client.request('labelled', { which: 'secret detail' }, 'x')).data;
    expect(unmapped).toEqual({ code: 'internal_error', message: 'Internal error' });
    await client.close();
  });

  it('sends what a filter throws when it is a WsException, and internal_error otherwise', async () => {
    const client = await member();
    expect((await client.request('filterThrows', { which: 'ws' }, 1)).data).toEqual({
      code: 'from_filter',
      message: 'The filter threw this',
    });
    expect((await client.request('filterThrows', { which: 'x' }, 2)).data).toEqual({
      code: 'internal_error',
      message: 'Internal error',
    });
    await client.close();
  });

  it('runs filters on what guards and validation throw too', async () => {
    const client = await member();
    expect((await client.request('say', { text: 5 }, 1)).data).toMatchObject({
      code: 'validation_failed',
    });
    const outsider = await TestClient.open(`${url}/pipeline?role=guest`);
    expect((await outsider.request('ping', {}, 1)).data).toMatchObject({ code: 'forbidden' });
    expect(seenByGlobalFilter).toEqual([
      { event: 'say', error: expect.objectContaining({ code: 'validation_failed' }) },
      { event: 'ping', error: expect.objectContaining({ code: 'forbidden' }) },
    ]);
    await client.close();
    await outsider.close();
  });

  it('works through the test kit too', async () => {
    const client = await connectGateway(app, '/pipeline', { query: { role: 'member' } });
    await expect(client.request('context', { a: 1 })).resolves.toEqual({ a: 1 });
    await client.close();
  });
});

describe('a handler with interceptors and no guard', () => {
  it('runs the interceptors straight after validation', async () => {
    @Gateway('/unguarded')
    class UnguardedGateway {
      @UseInterceptors(wrapReply) @OnMessage('say') say(body: SayDto) {
        return body.text;
      }
    }
    const app = Fastify();
    await bootstrap(app, [UnguardedGateway]);
    const client = await connectGateway(app, '/unguarded');
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ wrapped: 'hi' });
    await client.close();
    await app.close();
  });
});

describe('misdeclared enhancers are ready() errors naming the class and member', () => {
  it.each([
    ['@UseInterceptors', UseInterceptors, 'interceptor', 'intercept(ctx, next)'],
    ['@UseFilters', UseFilters, 'filter', 'catch(error, ctx)'],
    ['@UseGuards', UseGuards, 'guard', 'canActivate(ctx)'],
  ])('%s with a class lacking its method', async (name, decorator, shape, signature) => {
    class Empty {}
    @Gateway('/bad')
    class BadGateway {
      @((decorator as (...refs: unknown[]) => MethodDecorator)(Empty))
      @OnMessage('x')
      x() {}
    }
    const app = Fastify();
    await expect(bootstrap(app, [BadGateway])).rejects.toThrow(
      `${name} of BadGateway.x: Empty is not a usable ${shape}: give it a ${signature} method`,
    );
    await expect(app.ready()).rejects.toMatchObject({ code: 'FWG_ERR_INVALID_ENHANCER' });
  });

  it('names global entries by position', async () => {
    @Gateway('/fine')
    class FineGateway {
      @OnMessage('x') x() {}
    }
    const app = Fastify();
    await expect(
      bootstrap(app, [FineGateway], { interceptors: [{ nope: true } as never] }),
    ).rejects.toThrow('bootstrap() interceptors[0]: an object is not a usable interceptor');
    const other = Fastify();
    await expect(bootstrap(other, [FineGateway], { filters: 'x' as never })).rejects.toThrow(
      'bootstrap() filters: pass an array of filters',
    );
  });

  it('refuses a non-class non-function at decoration time', () => {
    expect(() => UseInterceptors(42 as never)).toThrow(
      '@UseInterceptors(...interceptors): pass one or more interceptor classes',
    );
    expect(() => UseFilters()).toThrow('@UseFilters(...filters)');
    expect(() => UseGuards(null as never)).toThrow('@UseGuards(...guards)');
  });
});
