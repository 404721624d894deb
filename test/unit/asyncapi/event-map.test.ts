import 'reflect-metadata';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Emits, Gateway, OnMessage } from '../../../src';
import {
  asyncapiDocument,
  assertAsyncApiDocument,
  eventMapTypes,
  NotAsyncApiDocumentError,
} from '../../../src/asyncapi';
import { ChatGateway } from '../../../samples/chat/chat.gateway';

const ROOT = join(__dirname, '..', '..', '..');
const info = { title: 'Chat', version: '1.0.0' };

/** Type-checks `files` (name → source) in a temp dir; returns the diagnostics as "file:line: message". */
function typeCheck(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'fwg-types-'));
  try {
    for (const [name, source] of Object.entries(files)) writeFileSync(join(dir, name), source);
    const program = ts.createProgram(
      Object.keys(files).map((name) => join(dir, name)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        skipLibCheck: true,
        esModuleInterop: true,
      },
    );
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const line = d.file ? d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1 : 0;
      const file = d.file ? d.file.fileName.slice(dir.length + 1) : '';
      return `${file}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const CLIENT = (wrong: string) => `
import { connect } from ${JSON.stringify(join(ROOT, 'src', 'client'))};
import type { ChatGatewayEvents, ErrorCode, Events, SaidDto } from './events';

export async function chat(): Promise<void> {
  const client = connect<ChatGatewayEvents>('ws://localhost:3000/chat/lobby');
  const reply = await client.request('say', { text: 'hi' });
  const ok: true = reply.ok;
  client.on('said', (said: SaidDto) => said.at.toUpperCase());
  client.on('joined', ({ user, members }) => user.length + members);
  const code: ErrorCode = 'validation_failed';
  const same: Events = {} as ChatGatewayEvents;
  void [ok, code, same];
${wrong}
}
`;

describe('eventMapTypes', () => {
  const source = eventMapTypes(asyncapiDocument([ChatGateway], { info }));

  it('writes an interface per DTO and the event map with request, reply and push', () => {
    expect(source).toContain('export interface SayDto {\n  text: string;\n}');
    expect(source).toContain('export interface SayReplyDto {\n  ok: true;\n}');
    expect(source).toContain('export interface ChatGatewayEvents {');
    expect(source).toContain('  say: { request: SayDto; reply: SayReplyDto };');
    expect(source).toContain('  said: { push: SaidDto };');
    expect(source).toContain('  joined: { push: PresenceDto };');
    expect(source).toContain(
      'export type ChatGatewayErrorCode = "bad_frame" | "unknown_event" | "validation_failed"',
    );
    expect(source).toContain('export type Events = ChatGatewayEvents;');
  });

  it('compiles a client against the generated types, and a wrong payload is a compile error', () => {
    const wrong = `  // @ts-expect-error: text must be a string
  await client.request('say', { text: 42 });
  // @ts-expect-error: "shout" is not an event of the chat
  await client.request('shout', { text: 'hi' });
  // @ts-expect-error: "said" is pushed by the server, not requested
  client.emit('said', { user: 'a', text: 'b', at: 'c' });`;
    expect(typeCheck({ 'events.ts': source, 'client.ts': CLIENT(wrong) })).toEqual([]);
    // The directive is needed: without it the wrong payload fails to compile.
    const unguarded = `  await client.request('say', { text: 42 });`;
    const line = CLIENT(unguarded).split('\n').indexOf(unguarded) + 1;
    expect(typeCheck({ 'events.ts': source, 'client.ts': CLIENT(unguarded) })).toEqual([
      `client.ts:${line}: Type 'number' is not assignable to type 'string'.`,
    ]);
  }, 60_000);

  it('maps optional, nested, array, enum, union and open object schemas', () => {
    class PointDto {
      @IsString() label!: string;
    }
    class ShapeDto {
      @IsOptional() @IsString() name?: string;
      @ValidateNested({ each: true }) @Type(() => PointDto) points!: PointDto[];
    }
    @Gateway('/shapes/:id')
    @Emits('drawn', ShapeDto)
    class ShapeGateway {
      @OnMessage('draw', { errors: ['too_big'] }) draw(_body: ShapeDto) {}
    }
    @Gateway('/other')
    class OtherGateway {}
    const doc = asyncapiDocument([ShapeGateway, OtherGateway], { info }) as {
      components: { schemas: Record<string, unknown> };
    };
    doc.components.schemas.Extra = {
      type: 'object',
      properties: {
        'odd-name': { type: ['string', 'null'] },
        when: { oneOf: [{ format: 'date' }, { format: 'date-time' }], type: 'string' },
        both: {
          allOf: [
            { $ref: '#/components/schemas/PointDto' },
            { type: 'object', properties: { z: { type: 'number' } } },
          ],
        },
        tuple: { type: 'array', items: { enum: [1, 'a'] } },
        any: { type: 'array' },
        map: { type: 'object', additionalProperties: { type: 'integer' } },
        open: { type: 'object', additionalProperties: true },
        bare: { type: 'object' },
        nothing: {},
        local: { $ref: '#/components/schemas/Extra/properties/map' },
      },
    };
    doc.components.schemas.Alias = { anyOf: [{ type: 'string' }, {}] };
    const types = eventMapTypes(doc);
    expect(types).toContain(
      'export interface ShapeDto {\n  name?: string;\n  points: PointDto[];\n}',
    );
    expect(types).toContain('  draw: { request: ShapeDto };');
    expect(types).toContain('  drawn: { push: ShapeDto };');
    expect(types).toContain('"too_big"');
    expect(types).toContain('export interface OtherGatewayEvents {\n}');
    expect(types).not.toContain('export type Events =');
    expect(types).toContain('  "odd-name"?: string | null;');
    expect(types).toContain('  when?: string;');
    expect(types).toContain('  both?: PointDto & {\n    z?: number;\n  };');
    expect(types).toContain('  tuple?: Array<1 | "a">;');
    expect(types).toContain('  any?: unknown[];');
    expect(types).toContain('  map?: {\n    [key: string]: number;\n  };');
    expect(types).toContain('  open?: {\n    [key: string]: unknown;\n  };');
    expect(types).toContain('  bare?: Record<string, unknown>;');
    expect(types).toContain('  nothing?: unknown;');
    expect(types).toContain('  local?: {\n    [key: string]: number;\n  };');
    expect(types).toContain('export type Alias = unknown;');
    expect(typeCheck({ 'events.ts': types })).toEqual([]);
  }, 60_000);

  it('reads documents whose payload is the data itself, by message name', () => {
    const types = eventMapTypes({
      asyncapi: '3.0.0',
      info,
      channels: {
        feed: {
          address: '/feed',
          messages: { tick: { name: 'tick', payload: { type: 'integer' } } },
        },
      },
      operations: {
        onTick: {
          action: 'send',
          channel: { $ref: '#/channels/feed' },
          messages: [{ $ref: '#/channels/feed/messages/tick' }],
        },
        bad: { action: 'send', channel: { $ref: '#/channels/feed' }, messages: [{}, 'x'] },
        other: { action: 'send', channel: { $ref: '#/channels/elsewhere' } },
      },
    });
    expect(types).toContain('  tick: { push: number };');
    expect(types).toContain('export type feedErrorCode = string;');
  });
});

describe('assertAsyncApiDocument', () => {
  it.each<[string, unknown, string]>([
    ['a non-object', [], 'expected a JSON object'],
    ['an OpenAPI document', { openapi: '3.0.0', paths: {} }, 'it has no "asyncapi" version field'],
    ['an AsyncAPI 2 document', { asyncapi: '2.6.0', channels: {} }, 'version 2.6.0 is not 3.x'],
    [
      'a document without operations',
      { asyncapi: '3.0.0', channels: {} },
      'it has no "operations" object',
    ],
  ])('refuses %s', (_label, value, reason) => {
    expect(() => assertAsyncApiDocument(value)).toThrow(new NotAsyncApiDocumentError(reason));
  });
});
