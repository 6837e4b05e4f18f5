import type { Command } from 'commander'
import { reprocessSensor, ReprocessError } from '../../reprocess/reprocess-store.js'
import { openDatabase } from '../../store/database.js'
import { addStoreOptions, configFrom } from '../options.js'
import { progressBar } from '../progress.js'

function time(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
  if (!Number.isFinite(ms)) throw new ReprocessError('unknown_sensor', `--${flag} ${value} is not an ISO 8601 date or date-time`)
  return ms
}

export function reprocessCommand(program: Command): void {
  addStoreOptions(
    program
      .command('reprocess')
      .description("recompute calibrated values, derived values and QC of a sensor's observations from the stored raw readings (after a calibration change), atomically")
      .requiredOption('--sensor <serial>', 'serial number of the sensor whose calibration changed')
      .option('--type <sensorType>', 'sensor type, when several sensors share the serial number')
      .option('--from <time>', 'start of the period (ISO 8601), default: all history')
      .option('--to <time>', 'end of the period, exclusive (ISO 8601), default: now')
      .option('--dry-run', 'compute and report, write nothing'),
  ).action((opts) => {
    const config = configFrom(opts)
    const db = openDatabase(config.database, { synchronous: config.ingest.synchronous })
    const bar = progressBar('reprocessing')
    try {
      const summary = reprocessSensor(db, {
        serial: opts.sensor,
        sensorType: opts.type,
        from: time(opts.from, 'from'),
        until: time(opts.to, 'to'),
        dryRun: Boolean(opts.dryRun),
        onProgress: (done, total) => bar.update(done, total),
      })
      bar.finish(
        `${opts.dryRun ? 'would reprocess' : 'reprocessed'} ${summary.samples} samples of ${summary.devices.join(', ')}: ${summary.updated} observations updated, ${summary.inserted} derived observations added`,
      )
      for (const [record, n] of Object.entries(summary.byCalibration)) console.log(`  ${n} values from calibration ${record}`)
    } catch (e) {
      bar.finish()
      if (e instanceof ReprocessError) {
        console.error(`reeflink reprocess: ${e.message}`)
        process.exitCode = 1
        return
      }
      throw e
    } finally {
      db.close()
    }
  })
}
