import type { Command } from 'commander'
import { openDatabase } from '../../store/database.js'
import { addStoreOptions, configFrom } from '../options.js'

interface DeviceListRow {
  dev_eui: string
  name: string
  station: string | null
  activation: string
  dev_addr: string | null
  fcnt_up: number | null
  session: number
  last_seen: number | null
  uplinks: number
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString())

export function devicesCommand(program: Command): void {
  const devices = program.command('devices').description('inspect provisioned devices (keys are never shown)')
  addStoreOptions(devices.command('list', { isDefault: true }).description('list devices with their last activity').option('--json', 'print JSON')).action((opts) => {
    const db = openDatabase(configFrom(opts).database, { readonly: false })
    try {
      const rows = db
        .prepare(
          `SELECT d.dev_eui, d.name, t.station_code AS station, CASE WHEN EXISTS (SELECT 1 FROM otaa_devices o WHERE o.device_id = d.id) THEN 'otaa' ELSE d.activation END AS activation, d.dev_addr, d.fcnt_up, d.session, d.last_seen,
                  (SELECT count(*) FROM uplinks u WHERE u.device_id = d.id) AS uplinks
           FROM devices d LEFT JOIN things t ON t.id = d.thing_id ORDER BY d.dev_eui`,
        )
        .all() as DeviceListRow[]
      if (opts.json) console.log(JSON.stringify(rows.map((r) => ({ ...r, last_seen: iso(r.last_seen) })), null, 2))
      else if (rows.length === 0) console.log('no devices: provision a fleet manifest first (reeflink provision <manifest>)')
      else console.table(rows.map((r) => ({ ...r, last_seen: iso(r.last_seen) })))
    } finally {
      db.close()
    }
  })
  addStoreOptions(devices.command('show').description('one device: channels, sensors, last status, recent rejections').argument('<devEui>').option('--json', 'print JSON')).action(
    (devEui: string, opts) => {
      const db = openDatabase(configFrom(opts).database)
      try {
        const d = db
          .prepare("SELECT d.id, d.dev_eui, d.name, CASE WHEN EXISTS (SELECT 1 FROM otaa_devices o WHERE o.device_id = d.id) THEN 'otaa' ELSE d.activation END AS activation, d.dev_addr, d.network_device_id, d.relaxed_fcnt, d.fcnt_up, d.session, d.last_seen, t.station_code FROM devices d LEFT JOIN things t ON t.id = d.thing_id WHERE d.dev_eui = ?")
          .get(devEui.toLowerCase()) as Record<string, unknown> | undefined
        if (!d) {
          console.error(`no device with DevEUI ${devEui}`)
          process.exitCode = 1
          return
        }
        const channels = db
          .prepare('SELECT c.channel, s.sensor_type, s.serial_number, c.datastream_id FROM device_channels c JOIN sensors s ON s.id = c.sensor_id WHERE c.device_id = ?')
          .all(d.id)
        const status = db.prepare('SELECT time, status FROM device_status WHERE device_id = ? ORDER BY time DESC LIMIT 1').get(d.id) as { time: number; status: string } | undefined
        const rejected = db.prepare('SELECT reason, count(*) AS n FROM rejected_uplinks WHERE device_id = ? GROUP BY reason').all(d.id)
        // OTAA join state (never the AppKey).
        const otaa = db.prepare('SELECT join_eui, dev_addr AS fixed_dev_addr, last_dev_nonce, join_nonce, joins, last_join_at FROM otaa_devices WHERE device_id = ?').get(d.id) as
          | { last_join_at: number | null }
          | undefined
        const out = { ...d, ...(otaa ? { otaa: { ...otaa, last_join_at: iso(otaa.last_join_at) } } : {}), last_seen: iso(d.last_seen as number | null), channels, lastStatus: status ? { time: iso(status.time), ...JSON.parse(status.status) } : null, rejected }
        console.log(JSON.stringify(out, null, 2))
      } finally {
        db.close()
      }
    },
  )
}
