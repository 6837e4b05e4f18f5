import type { Command } from 'commander'
import { BUNDLED_FLEET_FILE, formatProgress, loadFleetRecords, readFleetFile, runReplay } from '@reeflink/simulator'
import { existsSync, rmSync } from 'node:fs'
import { applyManifest } from '../../provision/apply-manifest.js'
import { validateManifest } from '../../provision/manifest.js'
import { startServer } from '../../server.js'
import { manifestFromFleet } from '../../sim/fleet-manifest.js'
import { createLogger } from '../logger.js'
import { addStoreOptions, configFrom } from '../options.js'

const DAY_MS = 86_400_000
const TEN_MINUTES_MS = 600_000

export function demoCommand(program: Command): void {
  addStoreOptions(
    program
      .command('demo')
      .description('`npm start`: serve, provision the bundled fleet, replay its history fast, then keep it reporting live in real time')
      .option('--live-days <days>', 'how much of the bundled data is kept to play live (the rest is history, replayed at once)', '60')
      .option('--keep', 'keep the demo database from a previous run (default: start afresh)'),
  ).action(async (opts) => {
    // Its own data directory by default, so the demo never touches a real deployment's database.
    const demoDefault = opts.dataDir || opts.database || opts.config || process.env.REEFLINK_DATA_DIR || process.env.REEFLINK_DATABASE ? {} : { dataDir: './data/demo' }
    const config = configFrom({ ...opts, ...demoDefault })
    const log = createLogger(config)
    // The demo replays the same frames every run: a fresh database keeps their counters valid.
    if (!opts.keep && existsSync(config.database)) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(config.database + suffix, { force: true })
      log.info({ database: config.database }, 'demo: starting from a fresh database (use --keep to keep it)')
    }
    const server = await startServer(config, log)
    const abort = new AbortController()
    const stop = async (signal: string) => {
      if (abort.signal.aborted) return
      abort.abort()
      log.info({ signal }, 'demo: stopping')
      await server.close()
      process.exit(0)
    }
    process.on('SIGINT', () => void stop('SIGINT'))
    process.on('SIGTERM', () => void stop('SIGTERM'))

    const fleet = await readFleetFile(BUNDLED_FLEET_FILE)
    const { manifest, calibrations } = await manifestFromFleet(fleet)
    const v = validateManifest(manifest)
    if (!v.ok) throw new Error(`bundled fleet is not a valid manifest: ${JSON.stringify(v.problems)}`)
    applyManifest(server.db, v.manifest, calibrations)
    server.ingest.registry.invalidate()

    // Shift the recorded years so that their last `liveDays` lie ahead of now: history replays
    // at once, the rest arrives in real time, timestamped as a GPS gateway would.
    const records = await loadFleetRecords(fleet)
    const start = Math.min(...records.map((r) => r.timesMs[0]))
    const end = Math.max(...records.map((r) => r.timesMs[r.timesMs.length - 1])) + TEN_MINUTES_MS
    const liveDays = Math.max(0, Number(opts.liveDays) || 0)
    const now = Math.floor(Date.now() / TEN_MINUTES_MS) * TEN_MINUTES_MS
    const shift = now - (end - liveDays * DAY_MS)
    const portal = `${server.urls.http}/`
    log.info({ stations: v.manifest.stations.length, history: `${new Date(start + shift).toISOString()} .. now`, live: `${liveDays} days` }, 'demo: replaying the bundled fleet')

    let caughtUp = false
    const tty = process.stderr.isTTY
    const replay = runReplay({
      fleet,
      target: { udp: `127.0.0.1:${server.ports.udp}` },
      timeShiftMs: shift,
      from: start + shift,
      to: end + shift,
      live: true,
      seed: 1,
      signal: abort.signal,
      onProgress: (p) => {
        if (caughtUp) return
        if (p.waitingForPresent) {
          caughtUp = true
          if (tty) process.stderr.write('\n')
          console.log(
            [
              '',
              `reeflink demo is live: ${v.manifest.stations.length} virtual buoys sample every 10 minutes and send their frames through Semtech UDP gateways.`,
              `  portal           ${portal}`,
              `  SensorThings API ${server.urls.http}/v1.1`,
              `  MQTT             ${server.urls.mqtt ?? '(off)'}  (subscribe to v1.1/Datastreams(1)/Observations)`,
              `  Semtech UDP      ${server.urls.udp ?? '(off)'}`,
              'Ctrl-C stops.',
              '',
            ].join('\n'),
          )
          return
        }
        process.stderr.write(`${tty ? '\r' : ''}history ${formatProgress(p)}${tty ? '' : '\n'}`)
      },
    })
    const { summary } = await replay
    if (!abort.signal.aborted) log.info({ frames: summary.totals.sent, acknowledged: summary.totals.acknowledged }, 'demo: the bundled data is exhausted; serving until Ctrl-C')
  })
}

