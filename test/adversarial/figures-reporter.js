// Prints the adversarial suite's figures line (cases, frames tried, heap growth) after
// `npm run test:adversarial`, from what each test file left in test-artifacts/.
const {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const { join, sep } = require('node:path');

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const FIGURES_DIR = join(ARTIFACTS, 'adversarial-figures');

class FiguresReporter {
  onRunStart() {
    rmSync(FIGURES_DIR, { recursive: true, force: true });
  }

  onRunComplete(_contexts, results) {
    const files = results.testResults.filter((file) =>
      file.testFilePath.includes(`${sep}test${sep}adversarial${sep}`),
    );
    const cases = files.reduce((sum, file) => sum + file.numPassingTests + file.numFailingTests, 0);
    let frames = 0;
    let heapGrowthBytes = 0;
    const tried = new Set();
    if (existsSync(FIGURES_DIR)) {
      for (const name of readdirSync(FIGURES_DIR).sort()) {
        const figures = JSON.parse(readFileSync(join(FIGURES_DIR, name), 'utf8'));
        frames += figures.frames;
        heapGrowthBytes = Math.max(heapGrowthBytes, figures.heapGrowthBytes);
        for (const attack of figures.tried ?? []) tried.add(attack);
      }
    }
    const summary = {
      cases,
      frames,
      heapGrowthMiB: Number((heapGrowthBytes / 2 ** 20).toFixed(1)),
      tried: [...tried],
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'adversarial-figures.json'), JSON.stringify(summary, null, 2));
    process.stdout.write(
      `\nAdversarial suite: ${cases} cases, ${frames.toLocaleString('en-US')} hostile frames tried, ` +
        `largest heap growth ${summary.heapGrowthMiB} MiB` +
        (tried.size > 0 ? `; tried: ${[...tried].join('; ')}` : '') +
        '\n',
    );
  }
}

module.exports = FiguresReporter;
