// Regenerates the DeviceScript support files after `npm ci` / `npm install`.
//
// node_modules/@devicescript/{core,test,runtime,i2c,spi,...} and node_modules/@dsboard/* are not
// npm packages: they ship inside @devicescript/cli and `devs build` writes them into this folder
// before compiling. They are not committed (see .gitignore), so every install must recreate them.
// A firmware compile error must not break `npm ci` for the whole monorepo: the build's job here is
// only to write those files, and the devices tests report compile errors.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const devicesDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const devs = join(dirname(require.resolve('@devicescript/cli/package.json')), 'devicescript');

const r = spawnSync(process.execPath, [devs, 'build', '--quiet', 'src/main.ts'], {
  cwd: devicesDir,
  stdio: 'inherit',
  env: { ...process.env, NO_UPDATE_NOTIFIER: '1' },
});
const generated = join(devicesDir, 'node_modules', '@devicescript', 'core', 'package.json');
if (!existsSync(generated)) {
  console.error(`devices postinstall: devs build did not write ${generated}`);
  process.exit(1);
}
if (r.status !== 0) {
  console.warn('devices postinstall: DeviceScript support files written, but src/main.ts did not compile (npm run build -w devices shows why)');
}
