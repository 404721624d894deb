import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloseCode, WIRE_ERROR_MESSAGES, WireErrorCode } from '../../../../src/runtime/errors';

const doc = readFileSync(join(__dirname, '../../../../docs/readme/protocol.md'), 'utf8');

describe('docs/readme/protocol.md', () => {
  it('lists every wire error code with its exact message', () => {
    for (const code of Object.values(WireErrorCode)) {
      expect(doc).toContain(`| \`${code}\` | ${WIRE_ERROR_MESSAGES[code]} |`);
    }
  });

  it('lists every close code', () => {
    for (const code of Object.values(CloseCode))
      expect(doc).toMatch(new RegExp(`^\\| ${code} \\|`, 'm'));
  });
});
