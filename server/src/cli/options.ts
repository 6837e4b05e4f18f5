// Command-line options shared by the commands that open the store, mapped to config paths.
import type { Command } from 'commander'
import { ConfigError, loadConfig, type ReeflinkConfig } from '../config/config.js'

export interface StoreOptions {
  config?: string
  dataDir?: string
  database?: string
  logLevel?: string
}

export function addStoreOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'configuration file (YAML or JSON)')
    .option('--data-dir <dir>', 'directory for the database and state (default ./data)')
    .option('--database <file>', 'SQLite database file (default <data-dir>/reeflink.db)')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
}

function integer(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError([`command line --${flag}: "${value}" is not a port number`])
  return Number(value)
}

/** Builds the configuration from --config, REEFLINK_* variables and these flags. */
export function configFrom(opts: StoreOptions & Record<string, unknown>): ReeflinkConfig {
  const flags: Record<string, any> = {}
  if (opts.dataDir) flags.dataDir = opts.dataDir
  if (opts.database) flags.database = opts.database
  if (opts.logLevel) flags.log = { level: opts.logLevel }
  if (typeof opts.host === 'string') flags.host = opts.host
  if (typeof opts.httpPort === 'string') flags.http = { port: integer(opts.httpPort, 'http-port') }
  if (typeof opts.mqttPort === 'string') flags.mqtt = { ...flags.mqtt, port: integer(opts.mqttPort, 'mqtt-port') }
  if (opts.mqtt === false) flags.mqtt = { ...flags.mqtt, embedded: false }
  if (typeof opts.mqttUrl === 'string') flags.mqtt = { ...flags.mqtt, url: opts.mqttUrl }
  if (typeof opts.udpPort === 'string') flags.udp = { ...flags.udp, port: integer(opts.udpPort, 'udp-port') }
  if (opts.udp === false) flags.udp = { ...flags.udp, enabled: false }
  return loadConfig({ file: opts.config, flags })
}
