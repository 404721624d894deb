import { IsString } from 'class-validator';
import {
  ConnectedSocket,
  Gateway,
  MessageBody,
  OnMessage,
  UseGuards,
} from '../../../src/decorators';
import type { Guard } from '../../../src/definition';
import type { ArgumentSource } from '../../../src/gateway/argument-builder';
import {
  NO_GLOBAL_ENHANCERS,
  compileHandler,
  type EnhancerSource,
} from '../../../src/gateway/compiled-handler';
import type { Connection } from '../../../src/gateway/connection';
import { readGatewayDefinition } from '../../../src/metadata';

class SayDto {
  @IsString() text!: string;
}

const allow: Guard = () => true;

@Gateway('/compiled')
class CompiledGateway {
  @OnMessage('say') say(@MessageBody() body: SayDto, @ConnectedSocket() conn: Connection) {
    return [body, conn];
  }

  @UseGuards(allow)
  @OnMessage('loose')
  loose(body: unknown) {
    return body;
  }
}

describe('compileHandler', () => {
  const definition = readGatewayDefinition(CompiledGateway);
  const connection = { id: 'c1' } as Connection;
  const source = { connection } as unknown as ArgumentSource;
  const enhancers: EnhancerSource = {
    resolve: () => {
      throw new Error('no class enhancers here');
    },
    global: NO_GLOBAL_ENHANCERS,
  };

  it('prepares a DTO handler: label, method, arguments and a validator', async () => {
    const say = compileHandler(definition, definition.messages.get('say')!, undefined, enhancers);
    expect(say.label).toBe('CompiledGateway.say');
    expect(say.method).toBe(CompiledGateway.prototype.say);
    expect(say.buildArguments(source, { text: 'hi' })).toEqual([{ text: 'hi' }, connection]);
    expect(say.guards).toBeUndefined();
    const outcome = await say.validate!({ text: 'hi' });
    expect(outcome).toMatchObject({ ok: true, value: { text: 'hi' } });
  });

  it('leaves an untyped body unvalidated and keeps the guards', () => {
    const loose = compileHandler(
      definition,
      definition.messages.get('loose')!,
      undefined,
      enhancers,
    );
    expect(loose.validate).toBeUndefined();
    expect(loose.guards).toEqual([allow]);
  });
});
