// `reeflink serve` as a child process, for crash tests: started from the real bin, ports read
// from its JSON log, killed with any signal.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

const BIN = new URL('../../bin/reeflink.mjs', import.meta.url).pathname

export interface ServeProcess {
  child: ChildProcess
  ports: { http: number; udp: number }
  exited: Promise<number | null>
  /** Every line the server logged so far (JSON). */
  log: string[]
}

export function startServeProcess(database: string, extraArgs: string[] = [], timeoutMs = 20000): Promise<ServeProcess> {
  const level = extraArgs.includes('--log-level') ? [] : ['--log-level', 'info']
  const child = spawn(process.execPath, [BIN, 'serve', '--database', database, '--http-port', '0', '--udp-port', '0', '--no-mqtt', ...level, ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REEFLINK_LOG_LEVEL: '' },
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error('reeflink serve did not start in time'))
    }, timeoutMs)
    let udp: number | null = null
    const log: string[] = []
    createInterface({ input: child.stderr! }).on('line', (line) => {
      log.push(line)
      let entry: any
      try {
        entry = JSON.parse(line)
      } catch {
        return
      }
      if (entry.msg === 'Semtech UDP packet forwarder listener') udp = entry.port
      if (entry.msg === 'reeflink is serving') {
        clearTimeout(timer)
        resolve({ child, ports: { http: Number(new URL(entry.http).port), udp: udp! }, exited, log })
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`reeflink serve exited with ${code} before serving`))
    })
  })
}
