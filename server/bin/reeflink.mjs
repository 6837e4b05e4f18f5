#!/usr/bin/env node
// Entry point of `npx reeflink`. The workspaces ship TypeScript source; the precompiled bundle
// server/dist/reeflink.mjs (server/scripts/build-cli.mjs, built by `npm run build` and the
// postinstall) starts several times faster, so it is used when it exists and none of the sources
// it was built from is newer than it (one stat per source, ~2 ms). Otherwise the sources are
// loaded through tsx, and the reason is logged at debug level. REEFLINK_NO_BUNDLE=1 forces tsx.
import { readFileSync, statSync } from 'node:fs'

const dist = new URL('../dist/', import.meta.url)
const server = new URL('../', import.meta.url)

function bundleState() {
  if (process.env.REEFLINK_NO_BUNDLE === '1') return 'REEFLINK_NO_BUNDLE=1'
  let built
  try {
    built = statSync(new URL('reeflink.mjs', dist)).mtimeMs
  } catch {
    return 'no precompiled build (server/dist/reeflink.mjs; `npm run build` makes one)'
  }
  try {
    const { inputs } = JSON.parse(readFileSync(new URL('inputs.json', dist), 'utf8'))
    for (const input of inputs) {
      if (statSync(new URL(input, server)).mtimeMs > built) return `server/dist/reeflink.mjs is older than ${input} (\`npm run build\` refreshes it)`
    }
  } catch (e) {
    return `server/dist/reeflink.mjs cannot be checked against its sources: ${e.message}`
  }
  return null
}

function debugEnabled(argv) {
  const i = argv.indexOf('--log-level')
  const level = i >= 0 ? argv[i + 1] : (argv.find((a) => a.startsWith('--log-level='))?.slice(12) ?? process.env.REEFLINK_LOG_LEVEL)
  return level === 'debug' || level === 'trace'
}

const stale = bundleState()
let main
if (stale === null) {
  ;({ main } = await import(new URL('reeflink.mjs', dist).href))
} else {
  if (debugEnabled(process.argv)) {
    // A pino-shaped line (the server's logs are JSON when not on a terminal).
    const line = { level: 20, time: Date.now(), pid: process.pid, msg: `loading the TypeScript sources through tsx: ${stale}` }
    process.stderr.write(process.stderr.isTTY ? `DEBUG: ${line.msg}\n` : `${JSON.stringify(line)}\n`)
  }
  const { register } = await import('tsx/esm/api')
  register()
  ;({ main } = await import('../src/cli/main.ts'))
}
await main(process.argv)
