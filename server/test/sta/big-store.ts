// A big file store for the SensorThings resource-limit tests: docs/fleet.example.yaml provisioned
// at `t0`, then `rows` Observations spread over every Datastream (one each 10 minutes from t0).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { applyManifest } from '../../src/provision/apply-manifest.js'
import { validateManifest } from '../../src/provision/manifest.js'
import { openDatabase, type Db } from '../../src/store/database.js'
import { EXAMPLE_MANIFEST } from '../support/fleet.js'

export interface BigStore {
  dir: string
  db: Db
  /** Datastream ids, ascending. */
  series: number[]
  cleanup(): void
}

export function bigStore(prefix: string, rows: number, t0: number): BigStore {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const db = openDatabase(join(dir, 'store.db'), { synchronous: 'normal' })
  const v = validateManifest(parse(readFileSync(EXAMPLE_MANIFEST, 'utf8')))
  if (!v.ok) throw new Error(JSON.stringify(v.problems))
  applyManifest(db, v.manifest, v.calibrations, t0)
  const series = (db.prepare('SELECT id FROM datastreams ORDER BY id').all() as { id: number }[]).map((r) => r.id)
  const ins = db.prepare('INSERT INTO observations (datastream_id, phenomenon_time, result, raw, qc, age_s) VALUES (?, ?, ?, ?, 0, 60)')
  const per = Math.floor(rows / series.length)
  db.transaction(() => {
    for (const ds of series) for (let k = 0; k < per; k++) ins.run(ds, t0 + k * 600_000, 20 + Math.sin(k / 144), 500_000 + (k % 1000))
  })()
  db.exec('ANALYZE')
  return {
    dir,
    db,
    series,
    cleanup() {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
