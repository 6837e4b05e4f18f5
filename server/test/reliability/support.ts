// Helpers for the reliability tests: `reeflink serve` as a child process with the embedded broker
// (ports read from its JSON log), and ChirpStack v4 uplink events for the example fleet's
// network-server logger.
import { encodeMeasurements } from '@reeflink/codecs'
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

const BIN = new URL('../../bin/reeflink.mjs', import.meta.url).pathname

export interface Served {
  child: ChildProcess
  ports: { http: number; mqtt: number | null; udp: number | null }
  /** The log lines seen (JSON entries), for tests that look for an error message. */
  log: Record<string, unknown>[]
  exited: Promise<number | null>
}

export function serve(database: string, env: Record<string, string> = {}, args: string[] = [], timeoutMs = 20000): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--database', database, '--http-port', '0', '--udp-port', '0', '--mqtt-port', '0', '--log-level', 'info', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REEFLINK_LOG_LEVEL: '', ...env },
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const log: Record<string, unknown>[] = []
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('reeflink serve did not start in time'))
    }, timeoutMs)
    let mqttPort: number | null = null
    let udp: number | null = null
    createInterface({ input: child.stderr! }).on('line', (line) => {
      let entry: Record<string, unknown>
      try {
        entry = JSON.parse(line)
      } catch {
        return
      }
      log.push(entry)
      if (entry.msg === 'embedded MQTT broker listening') mqttPort = entry.port as number
      if (entry.msg === 'Semtech UDP packet forwarder listener') udp = entry.port as number
      if (entry.msg === 'reeflink is serving') {
        clearTimeout(timer)
        resolve({ child, ports: { http: Number(new URL(entry.http as string).port), mqtt: mqttPort, udp }, log, exited })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`reeflink serve exited with ${code} before serving: ${JSON.stringify(log.slice(-3))}`))
    })
  })
}

export const LOGGER_EUI = '70b3d57ed0000102'
export const CS_TOPIC = `application/a1b2c3d4-0001-4c5e-8f00-000000000001/device/${LOGGER_EUI}/event/up`
const T0 = Date.parse('2026-01-01T00:00:00Z')

/** A ChirpStack v4 JSON uplink event of the example logger (temperature only), frame counter n. */
export function chirpstackUplink(n: number, samples = 6): string {
  const enc = encodeMeasurements(
    Array.from({ length: samples }, (_, k) => ({ ageS: (samples - 1 - k) * 600, temperatureRaw: 480000 + ((n * 7 + k) % 1000) })),
    242,
  )
  if (!enc.ok) throw new Error('cannot encode')
  const time = new Date(T0 + n * 3600_000).toISOString()
  return JSON.stringify({
    deduplicationId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    time,
    deviceInfo: { tenantId: 't', tenantName: 'ChirpStack', applicationId: 'a1b2c3d4-0001-4c5e-8f00-000000000001', applicationName: 'reef', deviceProfileId: 'p', deviceProfileName: 'buoy', deviceName: 'logger-dumbea', devEui: LOGGER_EUI },
    devAddr: '260b1a2c',
    adr: false,
    fCnt: n,
    fPort: 1,
    data: Buffer.from(enc.value.bytes).toString('base64'),
    rxInfo: [{ gatewayId: 'b827ebfffe6a1c2d', uplinkId: n, gwTime: time, nsTime: time, rssi: -100, snr: 5, crcStatus: 'CRC_OK' }],
    txInfo: { frequency: 868100000, modulation: { lora: { bandwidth: 125000, spreadingFactor: 12, codeRate: 'CR_4_5' } } },
  })
}
