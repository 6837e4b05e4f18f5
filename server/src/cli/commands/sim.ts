import type { Command } from 'commander'
import { BUNDLED_FLEET_FILE, formatProgress, parseFaultPlan, readFleetFile, runReplay, type ReplayTarget } from '@reeflink/simulator'
import { readFileSync } from 'node:fs'
import { applyManifest } from '../../provision/apply-manifest.js'
import { validateManifest } from '../../provision/manifest.js'
import { manifestFromFleet } from '../../sim/fleet-manifest.js'
import { verifyAgainstApi } from '../../sim/verify.js'
import { openDatabase } from '../../store/database.js'
import { addStoreOptions, configFrom } from '../options.js'

function parseSpeed(v: string): number | 'max' {
  if (v === 'max') return 'max'
  const n = Number(v)
  if (!(n > 0)) throw new Error(`--speed must be a positive number of virtual seconds per second, or max; got ${v}`)
  return n
}

export function simCommand(program: Command): void {
  addStoreOptions(
    program
      .command('sim')
      .description('replay a fleet of virtual buoys from NetCDF records through the real radio path (Semtech UDP or network-server MQTT)')
      .argument('[fleet]', 'simulator fleet file (default: the bundled demo fleet)')
      .option('--udp <host:port>', 'Semtech UDP target (default 127.0.0.1:<udp.port>)')
      .option('--mqtt <url>', 'publish already-decrypted uplinks to this MQTT broker instead')
      .option('--format <format>', 'MQTT format: chirpstack or tts', 'chirpstack')
      .option('--mqtt-username <name>')
      .option('--mqtt-password <password>')
      .option('--from <time>', 'start of the replay (ISO 8601); default: the data start')
      .option('--to <time>', 'end of the replay, exclusive')
      .option('--speed <n|max>', 'virtual seconds per wall second, or max', 'max')
      .option('--seed <seed>', 'random seed (replays are deterministic)', '1')
      .option('--faults <file>', 'fault plan (YAML or JSON; docs/simulator.md)')
      .option('--provision', "provision the fleet's stations, devices and calibrations into the database first")
      .option('--verify <url>', 'after the replay, read everything back from this SensorThings API (e.g. http://127.0.0.1:8080/v1.1) and compare with the source'),
  ).action(async (fleetPath: string | undefined, opts) => {
    const fleet = await readFleetFile(fleetPath ?? BUNDLED_FLEET_FILE)
    const config = configFrom(opts)
    const { manifest, calibrations, stationOf } = await manifestFromFleet(fleet)
    if (opts.provision) {
      const v = validateManifest(manifest)
      if (!v.ok) throw new Error(`the fleet does not make a valid manifest: ${v.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
      const db = openDatabase(config.database)
      try {
        const summary = applyManifest(db, v.manifest, calibrations)
        console.error(`provisioned ${summary.stations} stations and ${summary.devices} devices into ${config.database}`)
      } finally {
        db.close()
      }
    }
    const target: ReplayTarget = opts.mqtt
      ? { mqtt: { url: opts.mqtt, format: opts.format, ...(opts.mqttUsername ? { username: opts.mqttUsername } : {}), ...(opts.mqttPassword ? { password: opts.mqttPassword } : {}) } }
      : { udp: opts.udp ?? `127.0.0.1:${config.udp.port}` }
    const faults = opts.faults ? parseFaultPlan(readFileSync(opts.faults, 'utf8')) : undefined
    const tty = process.stderr.isTTY
    const { summary, ledger } = await runReplay({
      fleet,
      target,
      speed: parseSpeed(opts.speed),
      seed: opts.seed,
      ...(opts.from ? { from: opts.from } : {}),
      ...(opts.to ? { to: opts.to } : {}),
      ...(faults ? { faults } : {}),
      onProgress: (p) => process.stderr.write(`${tty ? '\r' : ''}${formatProgress(p)}${tty ? '' : '\n'}`),
    })
    if (tty) process.stderr.write('\n')
    const t = summary.totals
    console.log(`sent ${t.sent} frames; lost by design ${t.lostByDesign}; rejected by design ${t.rejectedByDesign}; acknowledged ${t.acknowledged}`)
    if (opts.logLevel === 'debug') console.log(JSON.stringify(summary, null, 2))
    if (opts.verify) {
      const checks = await verifyAgainstApi(String(opts.verify).replace(/\/$/, ''), ledger, stationOf)
      console.table(checks.map((c) => ({ station: c.station, datastream: c.datastream, expected: c.expected, received: c.received, missing: c.missing, lostByDesign: c.lostByDesign, unexpected: c.unexpected, maxErrorCounts: +c.maxErrorCounts.toFixed(3), ok: c.ok })))
      if (checks.some((c) => !c.ok)) {
        console.error('verify: the API does not hold exactly what was sent')
        process.exitCode = 1
      } else console.error(`verify: ${checks.length} datastreams match the source within one raw count, none missing`)
    }
  })
}
