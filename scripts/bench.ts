// `npm run bench`: runs every workspace's benchmarks (<workspace>/bench/*.bench.ts, each exporting
// `run(): Promise<BenchRow[]>`), prints one table and writes bench-results.json at the repo root.
// A ratio compares our path with a raw limit of this machine measured in the same run, because
// absolute numbers drift on shared machines. `npm run bench -- codecs` runs one workspace.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL, fileURLToPath } from 'node:url'

import type { BenchRow } from './bench-row.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const only = process.argv.slice(2)
const workspaces: string[] = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).workspaces

function format(n: number | undefined): string {
  if (n === undefined) return ''
  if (!Number.isFinite(n)) return String(n)
  const abs = Math.abs(n)
  if (abs >= 1000) return Math.round(n).toLocaleString('en-US')
  if (abs >= 10) return n.toFixed(1)
  return n.toPrecision(3)
}

const rows: (BenchRow & { workspace: string })[] = []
let failed = 0
for (const ws of workspaces) {
  if (only.length && !only.includes(ws)) continue
  const dir = join(root, ws, 'bench')
  if (!existsSync(dir)) continue
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    const path = join(dir, file)
    process.stderr.write(`bench ${relative(root, path)} …\n`)
    try {
      const mod = await import(pathToFileURL(path).href)
      for (const row of (await mod.run()) as BenchRow[]) rows.push({ workspace: ws, ...row })
    } catch (e) {
      failed++
      console.error(`bench ${relative(root, path)} failed:`, e)
    }
  }
}

const table = rows.map((r) => [r.workspace, r.name, format(r.value), r.unit, format(r.baseline), r.ratio === undefined ? '' : r.ratio.toFixed(3)])
const head = ['workspace', 'benchmark', 'value', 'unit', 'baseline', 'ratio']
const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)))
const line = (cells: string[]) => cells.map((c, i) => (i >= 2 && i !== 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')
console.log(line(head))
console.log(widths.map((w) => '-'.repeat(w)).join('  '))
for (const t of table) console.log(line(t))

writeFileSync(
  join(root, 'bench-results.json'),
  JSON.stringify(
    rows.map(({ workspace, ...r }) => ({ ...r, name: `${workspace}: ${r.name}` })),
    null,
    2,
  ) + '\n',
)
console.log(`\nwrote bench-results.json (${rows.length} rows)`)
if (failed) process.exit(1)
