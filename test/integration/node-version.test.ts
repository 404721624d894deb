import { execFileSync } from 'node:child_process';

// .ci/run runs the suite on several Node versions and sets FWG_EXPECT_NODE for each run: the
// jest worker running this file, and any `node` a test starts, must be that version.
describe('the Node running the suite', () => {
  it('is the one asked for, in the workers and in child processes', () => {
    const expected = process.env.FWG_EXPECT_NODE ?? process.version;
    expect(process.version).toBe(expected);
    const child = (command: string) =>
      execFileSync(command, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
    expect(child(process.execPath)).toBe(expected);
    expect(child('node')).toBe(expected);
  });
});
