// Runs one npm script in every workspace that defines it, in order, and fails if any fails.
// (npm's own --workspaces stops at the first failure and hides which ones passed.)
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const script = process.argv[2];
if (!script) {
  console.error('usage: node scripts/run-workspaces.mjs <script>');
  process.exit(2);
}
const root = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const failed = [];
for (const ws of root.workspaces) {
  const pkg = JSON.parse(readFileSync(new URL(`../${ws}/package.json`, import.meta.url), 'utf8'));
  if (!pkg.scripts?.[script]) continue;
  console.log(`\n── ${pkg.name}: npm run ${script}`);
  const r = spawnSync('npm', ['run', script, '-w', ws, '--silent'], { stdio: 'inherit' });
  if (r.status !== 0) failed.push(ws);
}
if (failed.length) {
  console.error(`\n${script} failed in: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`\n${script} passed in every workspace`);
