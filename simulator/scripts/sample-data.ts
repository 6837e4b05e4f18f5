// `npm run sample-data -w simulator`: regenerates the bundled OceanSITES files and their manifest
// in simulator/data/. Options: --out <dir> (default simulator/data), --seed <n>.
import { formatProgress } from '../src/progress.js';
import { BUNDLED_DATA_DIR, SAMPLE_DATA_SEED, writeSampleData } from '../src/sample-data/generate-sample-data.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const out = option('--out') ?? BUNDLED_DATA_DIR;
const seedText = option('--seed');
const seed = seedText === undefined ? SAMPLE_DATA_SEED : Number(seedText);
if (!Number.isInteger(seed)) {
  console.error(`--seed must be an integer, got ${seedText}`);
  process.exit(2);
}
const manifest = await writeSampleData(out, { seed, onProgress: (p) => process.stderr.write(formatProgress(p) + '\n') });
for (const f of manifest.files) {
  console.log(`${f.file}  ${f.records} records  ${(f.bytes / 1e6).toFixed(2)} MB  ${f.firstTime} .. ${f.lastTime}  sha256 ${f.sha256.slice(0, 12)}…`);
}
console.log(`wrote ${manifest.files.length} files and sample-data.json to ${out}`);
