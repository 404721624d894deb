import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CloseCode,
  Errors,
  GatewayError,
  WIRE_ERROR_MESSAGES,
  WireErrorCode,
  WsException,
  defineError,
  isWsException,
} from '../../src/errors';
import { markdownFiles, ROOT } from '../docs/markdown';

const errorsPage = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8');

describe('errors table', () => {
  it('fills %s placeholders in order and keeps the code', () => {
    const TestError = defineError('FWG_ERR_TEST', '%s and %s');
    const error = TestError('a', 2);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toBeInstanceOf(TestError);
    expect(error.code).toBe('FWG_ERR_TEST');
    expect(error.message).toBe('a and 2');
    expect(TestError.code).toBe('FWG_ERR_TEST');
    expect(String(error)).toBe('FastifyError [FWG_ERR_TEST]: a and 2');
  });

  it.each(Object.entries(Errors))(
    'Errors.%s is its own class, built with or without new, and carries a cause',
    (_name, ErrorClass) => {
      const args = ErrorClass.message
        .split('%s')
        .slice(1)
        .map((_, i) => `arg${i}`);
      const cause = new Error('underlying');
      const error = new ErrorClass(...args, { cause });
      const called = ErrorClass(...args);
      for (const e of [error, called]) {
        expect(e).toBeInstanceOf(ErrorClass);
        expect(e).toBeInstanceOf(GatewayError);
        expect(e).toBeInstanceOf(Error);
        expect(e.code).toBe(ErrorClass.code);
        expect(e.code).toMatch(/^FWG_ERR_[A-Z_]+$/);
        expect(e.message).not.toContain('%s');
        expect(e.message).toContain(args[args.length - 1]);
      }
      expect(error.cause).toBe(cause);
      expect(called.cause).toBeUndefined();
      expect(error.message).toBe(called.message);
      // Another code's class does not claim this error.
      for (const Other of Object.values(Errors)) {
        if (Other !== ErrorClass) expect(error).not.toBeInstanceOf(Other);
      }
    },
  );

  it('lets a user build a GatewayError of their own, with a cause', () => {
    const cause = new Error('underlying');
    const error = new GatewayError('MY_CODE', 'mine', { cause });
    expect([error.code, error.message, error.name, error.cause]).toEqual([
      'MY_CODE',
      'mine',
      'GatewayError',
      cause,
    ]);
  });

  it('keeps the messages it had before @fastify/error', () => {
    expect(Errors.NOT_A_GATEWAY('Foo').message).toBe(
      'Foo is not a gateway: decorate the class with @Gateway(path) before passing it to bootstrap()',
    );
    expect(Errors.INVALID_LIMIT('maxDepth', 'Chat', 'a positive number', '0').message).toBe(
      'Limit "maxDepth" of Chat must be a positive number, got 0',
    );
    expect(Errors.INVALID_ARGUMENT('@Gateway', 'bad path').message).toBe('@Gateway: bad path');
  });

  it('gives every wire code a fixed message', () => {
    for (const code of Object.values(WireErrorCode)) {
      expect(WIRE_ERROR_MESSAGES[code]).toEqual(expect.any(String));
    }
  });

  it('uses unique programmer error codes', () => {
    const codes = Object.values(Errors).map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('WsException', () => {
  it('carries code, message and details; message defaults to the code', () => {
    const e = new WsException('room_full', 'Room is full', { capacity: 2 });
    expect([e.code, e.message, e.details, e.name]).toEqual([
      'room_full',
      'Room is full',
      { capacity: 2 },
      'WsException',
    ]);
    expect(new WsException('nope').message).toBe('nope');
  });

  it('is recognised across package copies by name and code', () => {
    const foreign = Object.assign(new Error('x'), { name: 'WsException', code: 'c' });
    expect(isWsException(new WsException('c'))).toBe(true);
    expect(isWsException(foreign)).toBe(true);
    expect(isWsException(new Error('x'))).toBe(false);
    expect(isWsException(Object.assign(new Error('x'), { name: 'WsException' }))).toBe(false);
    expect(isWsException({ name: 'WsException', code: 'c' })).toBe(false);
  });
});

/** The rows `| first | second | …` of the table under `## <heading>` in docs/errors.md. */
function tableRows(heading: string): [string, string][] {
  const section = errorsPage.split(/^## /m).find((part) => part.startsWith(`${heading}\n`));
  if (section === undefined) throw new Error(`docs/errors.md has no "## ${heading}" section`);
  return [...section.matchAll(/^\| (.+?) \| (.+?) \|/gm)]
    .map(([, first, second]) => [first, second] as [string, string])
    .filter(([first]) => first !== 'code' && !first.startsWith('---'));
}

/** Code and message template of a programmer error, whether a factory or an error class. */
function programmerError(entry: unknown): { code: string; message: string } {
  const { code, message } = entry as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && typeof message === 'string') return { code, message };
  // An @fastify/error class: built without arguments, its message keeps the %s placeholders.
  const error = new (entry as new () => { code: string; message: string })();
  return { code: error.code, message: error.message };
}

const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('docs/errors.md lists every code, and no other', () => {
  test('wire error codes, each with its exact message', () => {
    const documented = tableRows('Error frames').filter(([code]) => code !== '*yours*');
    expect(new Map(documented.map(([code, message]) => [unquote(code), message]))).toEqual(
      new Map(Object.values(WireErrorCode).map((code) => [code, WIRE_ERROR_MESSAGES[code]])),
    );
  });

  test('close codes', () => {
    const documented = tableRows('Close codes').map(([code]) => Number(code));
    expect(documented.sort()).toEqual(Object.values(CloseCode).sort());
  });

  test('programmer errors, each with its exact message', () => {
    const documented = tableRows('Programmer errors').map(
      ([code, message]) => [unquote(code), message] as const,
    );
    const defined = Object.values(Errors).map(programmerError);
    expect(new Map(documented)).toEqual(new Map(defined.map((e) => [e.code, e.message])));
  });

  test('no page names an FWG_ERR_* code that does not exist', () => {
    const defined = new Set(Object.values(Errors).map((e) => programmerError(e).code));
    const named = markdownFiles().flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/FWG_ERR_[A-Z_]+/g)].map(
        ([code]) => `${file}: ${code}`,
      ),
    );
    expect(named.filter((entry) => !defined.has(entry.split(': ')[1]))).toEqual([]);
  });
});
