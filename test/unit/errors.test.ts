import { readdirSync, readFileSync } from 'node:fs';
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

const ROOT = join(__dirname, '../..');

/** README.md and every page under docs/: a code is documented when one of them lists it. */
function markdownUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? markdownUnder(join(dir, entry.name))
      : entry.name.endsWith('.md')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : [],
  );
}
const readme = [
  readFileSync(join(ROOT, 'README.md'), 'utf8'),
  ...markdownUnder(join(ROOT, 'docs')),
].join('\n');

describe('errors table', () => {
  it('fills %s placeholders in order and keeps the code', () => {
    const factory = defineError('FWG_ERR_TEST', '%s and %s');
    const error = factory('a', 2);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.code).toBe('FWG_ERR_TEST');
    expect(error.message).toBe('a and 2');
    expect(factory.code).toBe('FWG_ERR_TEST');
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

describe('the docs list every code', () => {
  it.each(Object.values(WireErrorCode))('wire error code %s, with its exact message', (code) => {
    expect(readme).toContain(`| \`${code}\` | ${WIRE_ERROR_MESSAGES[code]} |`);
  });
  it.each(Object.entries(CloseCode))('close code %s (%i)', (_name, code) => {
    expect(readme).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
  it.each(Object.values(Errors).map((e) => e.code))('programmer error %s', (code) => {
    expect(readme).toContain(`| \`${code}\` |`);
  });
});
