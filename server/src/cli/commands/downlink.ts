// `reeflink downlink <devEui> …`: queue a downlink for a device, list its queue, cancel an item.
// Works on the database file, like `reeflink devices` (SQLite WAL lets it run next to a running
// `reeflink serve`, which sends the item after the device's next uplink). The same checks as the
// HTTP route (POST /api/devices/{devEui}/downlinks). Payloads are shown in hex; keys never.
import { InvalidArgumentError, type Command } from 'commander'
import { DownlinkStore, parseDownlinkRequest, type DownlinkItem } from '../../downlink/index.js'
import { openDatabase } from '../../store/database.js'
import { addStoreOptions, configFrom } from '../options.js'

function integer(flag: string) {
  return (v: string): number => {
    if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`--${flag}: "${v}" is not a whole number`)
    return Number(v)
  }
}

function line(i: DownlinkItem): string {
  const what = i.config ? `config seq ${i.config.seq}: ${i.config.commands.map((c) => c.command + (c.intervalS !== undefined ? ` ${c.intervalS} s` : '')).join(', ')}` : `${i.payloadHex || '(empty)'}`
  const extra = [i.fCntDown !== null ? `FCntDown ${i.fCntDown}` : '', i.gatewayId ? `via ${i.gatewayId}` : '', i.reason ? `(${i.reason})` : ''].filter(Boolean).join(' ')
  return `#${i.id} ${i.state.padEnd(7)} fPort ${i.fPort}${i.confirmed ? ' confirmed' : ''} ${what}  created ${i.createdAt}${i.attempts ? `, ${i.attempts} attempt(s)` : ''}${extra ? ', ' + extra : ''}`
}

export function downlinkCommand(program: Command): void {
  const cmd = program
    .command('downlink')
    .description('queue a Class A downlink for a device (sent after its next uplink by `reeflink serve`), list or cancel its queue')
    .argument('<devEui>', 'the device, 16 hex digits')
    .option('--interval <seconds>', 'configuration: set the sampling interval (10–65535 s)', integer('interval'))
    .option('--batch <samples>', 'configuration: samples per uplink (0 = as many as fit)', integer('batch'))
    .option('--max-bytes <bytes>', 'configuration: payload budget per uplink (0 = the data rate maximum, else 18–242)', integer('max-bytes'))
    .option('--request-status', 'configuration: ask for a status uplink')
    .option('--clear-queue', 'configuration: drop the samples queued on the buoy')
    .option('--reboot', 'configuration: reboot the buoy')
    .option('--payload-hex <hex>', 'raw downlink: FRMPayload bytes in hex (with --fport)')
    .option('--fport <n>', 'raw downlink: FPort 1–223', integer('fport'))
    .option('--confirmed', 'send as a confirmed downlink (the device acknowledges it with the ACK bit)')
    .option('--list', 'show the device queue instead of queueing')
    .option('--cancel <id>', 'cancel a pending item', integer('cancel'))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Examples:
  reeflink downlink 70b3d57ed00f0001 --interval 300
  reeflink downlink 70b3d57ed00f0001 --request-status --confirmed
  reeflink downlink 70b3d57ed00f0001 --payload-hex 1001030405 --fport 10
  reeflink downlink 70b3d57ed00f0001 --list

Configuration flags combine into one configuration downlink (fPort 10, encoded by the codec);
the buoy answers with a configAck (fPort 3) that marks the item acked. Only ABP devices whose
keys reeflink holds get downlinks; the HTTP API is POST /api/devices/{devEui}/downlinks.`,
    )
  addStoreOptions(cmd).action((devEui: string, opts) => {
    if (!/^[0-9a-fA-F]{16}$/.test(devEui)) {
      console.error(`reeflink downlink: "${devEui}" is not a DevEUI (16 hex digits)`)
      process.exitCode = 2
      return
    }
    const configFlags = opts.interval !== undefined || opts.batch !== undefined || opts.maxBytes !== undefined || opts.requestStatus || opts.clearQueue || opts.reboot
    const raw = opts.payloadHex !== undefined || opts.fport !== undefined
    const actions = [configFlags || raw, !!opts.list, opts.cancel !== undefined].filter(Boolean).length
    if (actions !== 1) {
      console.error('reeflink downlink: give one of: configuration flags (--interval, --batch, --max-bytes, --request-status, --clear-queue, --reboot), --payload-hex with --fport, --list, --cancel <id> (see --help)')
      process.exitCode = 2
      return
    }
    const config = configFrom(opts)
    const db = openDatabase(config.database)
    try {
      // Devices behind a network server: `reeflink serve` publishes their items to the MQTT
      // integration after their next uplink, if its configuration has one (docs/downlinks.md).
      const store = new DownlinkStore(db, { networkServer: config.downlink.enabled && (config.mqtt.embedded || !!config.mqtt.url) ? 'mqtt' : null })
      if (opts.list) {
        const items = store.list(devEui)
        if (items === null) return fail(`no device with DevEUI ${devEui}`, 1)
        if (opts.json) console.log(JSON.stringify(items, null, 2))
        else if (items.length === 0) console.log(`no downlinks for ${devEui.toLowerCase()}`)
        else for (const i of items) console.log(line(i))
        return
      }
      if (opts.cancel !== undefined) {
        const r = store.cancel(devEui, opts.cancel)
        if (!r.ok) return fail(r.code === 'DOWNLINK_NOT_FOUND' ? `no downlink ${opts.cancel} for ${devEui}` : `downlink ${opts.cancel} is no longer pending`, 1)
        console.log(opts.json ? JSON.stringify(r.item, null, 2) : `cancelled ${line(r.item)}`)
        return
      }
      if (configFlags && raw) return fail('configuration flags and --payload-hex/--fport are two different downlinks: queue them one at a time', 2)
      const body = raw
        ? { fPort: opts.fport, payloadHex: opts.payloadHex ?? '', confirmed: !!opts.confirmed }
        : {
            confirmed: !!opts.confirmed,
            config: {
              ...(opts.interval !== undefined ? { intervalS: opts.interval } : {}),
              ...(opts.batch !== undefined ? { samplesPerUplink: opts.batch } : {}),
              ...(opts.maxBytes !== undefined ? { maxPayloadBytes: opts.maxBytes } : {}),
              ...(opts.requestStatus ? { requestStatus: true } : {}),
              ...(opts.clearQueue ? { clearQueue: true } : {}),
              ...(opts.reboot ? { reboot: true } : {}),
            },
          }
      const parsed = parseDownlinkRequest(body)
      if (!parsed.ok) return fail(`${flagOf(parsed.error.field)}: ${parsed.error.message}`, 2)
      const r = store.enqueue(devEui, parsed.value, { createdBy: 'cli' })
      if (!r.ok) return fail('field' in r.error ? `${flagOf(r.error.field)}: ${r.error.message}` : r.error.message, r.error.code === 'DEVICE_NOT_FOUND' ? 1 : 2)
      const device = db.prepare('SELECT activation FROM devices WHERE dev_eui = ?').get(r.item.devEui) as { activation: string } | undefined
      const when =
        device?.activation === 'network-server'
          ? "it is handed to the network server over MQTT after the device's next uplink; the network server sends it after the one that follows (reeflink serve must be running)"
          : "it is sent in the receive window after the device's next uplink (reeflink serve must be running)"
      console.log(opts.json ? JSON.stringify(r.item, null, 2) : `queued ${line(r.item)}\n${when}`)
    } finally {
      db.close()
    }
  })
}

const FLAGS: Record<string, string> = {
  fPort: '--fport',
  payloadHex: '--payload-hex',
  'config.intervalS': '--interval',
  'config.samplesPerUplink': '--batch',
  'config.maxPayloadBytes': '--max-bytes',
}
const flagOf = (field: string) => FLAGS[field] ?? field

function fail(message: string, code: number): void {
  console.error(`reeflink downlink: ${message}`)
  process.exitCode = code
}
