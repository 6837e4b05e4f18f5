import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, DEFAULTS, loadConfig, redactConfig } from '../../src/config/config.js'

const dir = mkdtempSync(join(tmpdir(), 'reeflink-config-'))
const file = (name: string, text: string) => {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

describe('configuration', () => {
  it('has embedded defaults that need nothing else', () => {
    const c = loadConfig({ env: {}, cwd: '/srv' })
    expect(c.http.port).toBe(8080)
    expect(c.mqtt).toMatchObject({ embedded: true, port: 1883 })
    expect(c.udp.port).toBe(1700)
    expect(c.database).toBe('/srv/data/reeflink.db')
    expect(c.host).toBe('127.0.0.1')
  })

  it('layers file < environment < flags', () => {
    const f = file('a.yaml', 'http:\n  port: 9000\nmqtt:\n  port: 1884\nudp:\n  port: 1701\n')
    const c = loadConfig({ file: f, env: { REEFLINK_MQTT_PORT: '1885', REEFLINK_UDP_PORT: '1702' }, flags: { udp: { port: 1703 } } })
    expect([c.http.port, c.mqtt.port, c.udp.port]).toEqual([9000, 1885, 1703])
    expect(c.mqtt.embedded).toBe(DEFAULTS.mqtt.embedded)
  })

  it('names the source and the field of every problem', () => {
    const f = file('b.yaml', 'http:\n  prot: 80\nlog:\n  level: loud\n')
    try {
      loadConfig({ file: f, env: { REEFLINK_HTTP_PORT: 'eighty', REEFLINK_MQTT_EMBEDDED: 'maybe' } })
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError)
      const problems = (e as ConfigError).problems.join('\n')
      expect(problems).toContain(`--config ${f} http: prot: unknown setting`)
      expect(problems).toMatch(/--config .* log\.level: must be equal to one of the allowed values/)
      expect(problems).toContain('REEFLINK_HTTP_PORT: "eighty" is not an integer')
      expect(problems).toContain('REEFLINK_MQTT_EMBEDDED: "maybe" is not a boolean')
    }
  })

  it('explains an unreadable or malformed file', () => {
    expect(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })).toThrow(/missing\.yaml: ENOENT/)
    expect(() => loadConfig({ file: file('c.yaml', '- a list\n'), env: {} })).toThrow(/top level must be a mapping/)
    expect(() => loadConfig({ file: file('d.json', '{'), env: {} })).toThrow(/d\.json/)
  })

  it('redacts secrets for display', () => {
    const c = loadConfig({ env: { REEFLINK_ADMIN_KEY: 'topsecretkey', REEFLINK_MQTT_PASSWORD: 'hunter2', REEFLINK_WEBHOOK_SECRET: 'shh' } })
    const shown = JSON.stringify(redactConfig(c))
    expect(shown).not.toMatch(/topsecretkey|hunter2|shh/)
    expect(shown).toContain('(set)')
  })
})
