// Builds the portal once per test run (vite build, as `npm run build:web -w server` does).
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const SERVER_DIR = new URL('../../', import.meta.url).pathname
export const WEB_ROOT = new URL('../../web/dist/', import.meta.url).pathname

export function buildPortal(): string {
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: SERVER_DIR, stdio: 'pipe' })
  if (!existsSync(WEB_ROOT + 'index.html')) throw new Error(`vite build produced no ${WEB_ROOT}index.html`)
  return WEB_ROOT
}
