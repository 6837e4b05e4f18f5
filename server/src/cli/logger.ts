// JSON logs (pino); human-readable when writing to a terminal, unless the config says otherwise.
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { ReeflinkConfig } from '../config/config.js'

export function createLogger(config: Pick<ReeflinkConfig, 'log'>, stream: NodeJS.WritableStream = process.stderr): Logger {
  const usePretty = config.log.pretty ?? Boolean((stream as NodeJS.WriteStream).isTTY)
  const options = {
    level: config.log.level,
    // Defence in depth: key material must never reach a log line, whatever an object carries.
    redact: { paths: ['*.nwkSKey', '*.appSKey', '*.nwk_s_key', '*.app_s_key', '*.password', '*.secret', '*.adminKey', 'req.headers.authorization'], censor: '[redacted]' },
  }
  if (usePretty) return pino(options, pretty({ destination: stream, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }))
  return pino(options, stream)
}
