import Fastify, { type FastifyInstance } from 'fastify';
import {
  IsString,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  Gateway,
  OnConnect,
  OnMessage,
  UseGuards,
  WsException,
  bootstrap,
  type Connection,
  type Guard,
} from 'fastify-ws-gateway';
import { connectGateway } from 'fastify-ws-gateway/testing';

class SayDto {
  @IsString() text!: string;
}

@ValidatorConstraint({ name: 'isKnownTopic', async: true })
class IsKnownTopic implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    return value !== 'unknown';
  }
  defaultMessage(): string {
    return 'topic is unknown';
  }
}
class TopicDto {
  @IsString() @Validate(IsKnownTopic) topic!: string;
}

const seen: { event: string; body: unknown }[] = [];
const member: Guard = ({ connection }) => connection.query.member === 'yes';
const notBanned: Guard = async ({ body }) => (body as SayDto).text !== 'banned';
const recorder: Guard = ({ event, body }) => {
  seen.push({ event, body });
  return true;
};
const throwing: Guard = () => {
  throw new WsException('slow_down', 'Wait for your turn');
};
const crashing: Guard = () => {
  throw new Error('guard bug');
};
const truthy = (() => 1) as unknown as Guard;

@Gateway('/guarded')
@UseGuards(member)
class GuardedGateway {
  @OnConnect() join(conn: Connection) {
    conn.data.joined = true;
  }

  @UseGuards(recorder, notBanned)
  @OnMessage('say')
  say(body: SayDto) {
    return { echoed: body.text };
  }

  @OnMessage('ping') ping() {
    return 'pong';
  }

  @UseGuards(throwing) @OnMessage('turn') turn() {
    return 'never';
  }

  @UseGuards(crashing) @OnMessage('crash') crash() {
    return 'never';
  }

  @UseGuards(truthy) @OnMessage('truthy') truthy() {
    return 'never';
  }

  // An async-validated body takes the promise path; guards still run after validation.
  @UseGuards(({ body }) => (body as TopicDto).topic !== 'secret')
  @OnMessage('topic')
  topic(body: TopicDto) {
    return body.topic;
  }

  @UseGuards(async ({ body }) => (body as TopicDto).topic !== 'secret')
  @OnMessage('asyncTopic')
  asyncTopic(body: TopicDto) {
    return body.topic;
  }
}

describe('@UseGuards on a gateway', () => {
  let app: FastifyInstance;
  beforeEach(async () => {
    seen.length = 0;
    app = Fastify();
    await bootstrap(app, [GuardedGateway]);
  });
  afterEach(() => app.close());

  it('lets a message through when every guard returns true, with the validated body', async () => {
    const client = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    await expect(client.request('say', { text: 'hi' })).resolves.toEqual({ echoed: 'hi' });
    expect(seen).toEqual([{ event: 'say', body: expect.any(SayDto) }]);
    await client.close();
  });

  it('answers forbidden when a class guard refuses, and the connection stays usable', async () => {
    const client = await connectGateway(app, '/guarded');
    await expect(client.request('ping', {})).rejects.toMatchObject({ code: 'forbidden' });
    await expect(client.request('say', { text: 'hi' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(seen).toEqual([]);
    await client.close();
    const member = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    await expect(member.request('ping', {})).resolves.toBe('pong');
    await member.close();
  });

  it('answers forbidden when an async method guard resolves false', async () => {
    const client = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    await expect(client.request('say', { text: 'banned' })).rejects.toMatchObject({
      code: 'forbidden',
      message: 'Not allowed',
    });
    await expect(client.request('say', { text: 'ok' })).resolves.toEqual({ echoed: 'ok' });
    await client.close();
  });

  it('validates before guarding: an invalid body is validation_failed, guards never see it', async () => {
    const client = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    await expect(client.request('say', { text: 5 })).rejects.toMatchObject({
      code: 'validation_failed',
    });
    expect(seen).toEqual([]);
    await client.close();
  });

  it('sends a WsException thrown by a guard as is, and hides other guard errors', async () => {
    const client = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    await expect(client.request('turn', {})).rejects.toMatchObject({
      code: 'slow_down',
      message: 'Wait for your turn',
    });
    const crash = client.request('crash', {});
    await expect(crash).rejects.toMatchObject({ code: 'internal_error' });
    await expect(crash).rejects.not.toMatchObject({
      message: expect.stringContaining('guard bug'),
    });
    await client.close();
  });

  it('only true lets a message through: a truthy value is a refusal', async () => {
    const client = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    await expect(client.request('truthy', {})).rejects.toMatchObject({ code: 'forbidden' });
    await client.close();
  });

  it('guards an async-validated body, with sync and async guards', async () => {
    const client = await connectGateway(app, '/guarded', { query: { member: 'yes' } });
    for (const event of ['topic', 'asyncTopic']) {
      await expect(client.request(event, { topic: 'news' })).resolves.toBe('news');
      await expect(client.request(event, { topic: 'secret' })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(client.request(event, { topic: 'unknown' })).rejects.toMatchObject({
        code: 'validation_failed',
      });
    }
    await client.close();
  });
});
