// Runs dependency-cruiser's rules (.dependency-cruiser.cjs) over src/ through its API: the
// `depcruise` binary refuses Node 20, which this package still supports, while the API runs.
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs');
const result = await cruise(
  process.argv.length > 2 ? process.argv.slice(2) : ['src'],
  { ...options, outputType: 'err' },
  undefined,
  { tsConfig: extractTSConfig('tsconfig.json') },
);
process.stdout.write(result.output);
process.exitCode = result.exitCode === 0 ? 0 : 1;
