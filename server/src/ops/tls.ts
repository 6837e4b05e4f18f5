// TLS for HTTP (fastify https) and the embedded broker (a node:tls listener next to the plain
// one) when `tls.cert` and `tls.key` name PEM files. Read once at start: replace the files and
// restart to renew. Problems are clear errors naming the file.
import { readFileSync } from 'node:fs'

export interface TlsFiles {
  cert: Buffer
  key: Buffer
}

export function loadTls(tls: { cert: string | null; key: string | null }): TlsFiles | null {
  if (!tls.cert || !tls.key) return null
  const read = (what: string, path: string) => {
    try {
      const b = readFileSync(path)
      if (!b.includes('-----BEGIN')) throw new Error('not a PEM file')
      return b
    } catch (e) {
      throw new Error(`tls.${what} ${path}: ${(e as Error).message}`)
    }
  }
  return { cert: read('cert', tls.cert), key: read('key', tls.key) }
}

/** The MQTT-over-TLS port when TLS is on: the configured one, else the standard 8883. */
export function mqttTlsPort(configured: number | null): number {
  return configured ?? 8883
}
