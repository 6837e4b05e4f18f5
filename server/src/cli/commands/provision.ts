import type { Command } from 'commander'
import { applyManifest } from '../../provision/apply-manifest.js'
import { loadManifest } from '../../provision/manifest.js'
import { openDatabase } from '../../store/database.js'
import { addStoreOptions, configFrom } from '../options.js'

export function provisionCommand(program: Command): void {
  addStoreOptions(
    program
      .command('provision')
      .description('apply a fleet manifest (stations, devices, sensors, calibrations, QC) to the store; idempotent')
      .argument('<manifest>', 'fleet manifest, YAML or JSON (see docs/fleet-manifest.md)')
      .option('--dry-run', 'validate the manifest only'),
  ).action((manifestPath: string, opts) => {
    const loaded = loadManifest(manifestPath)
    if (!loaded.ok) {
      console.error(`${manifestPath} is not a valid fleet manifest:`)
      for (const p of loaded.problems) console.error(`  ${p.path}: ${p.message}`)
      process.exitCode = 1
      return
    }
    if (opts.dryRun) {
      console.log(`${manifestPath} is valid: ${loaded.manifest.stations.length} stations, ${loaded.manifest.devices?.length ?? 0} devices, ${loaded.calibrations.length} calibrations`)
      return
    }
    const config = configFrom(opts)
    const db = openDatabase(config.database, { synchronous: config.ingest.synchronous })
    try {
      const summary = applyManifest(db, loaded.manifest, loaded.calibrations)
      console.log(`provisioned ${summary.stations} stations and ${summary.devices} devices into ${config.database}`)
      const rows = Object.entries(summary.changes).map(([table, c]) => ({ table, ...c }))
      console.table(rows)
    } finally {
      db.close()
    }
  })
}
