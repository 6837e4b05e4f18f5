import { createServer } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/config.js'
import { checkFleet, runDoctor } from '../../src/ops/doctor.js'
import { provisionedStore, type TestStore } from '../support/fleet.js'

let store: TestStore
beforeEach(() => (store = provisionedStore()))
afterEach(() => store.cleanup())

describe('reeflink doctor', () => {
  it('passes a freshly provisioned deployment', async () => {
    const config = loadConfig({ env: {}, flags: { database: store.path, dataDir: store.dir, http: { port: 0 }, mqtt: { port: 0 }, udp: { port: 0 } } })
    const findings = await runDoctor(config)
    expect(findings.filter((f) => f.severity === 'error')).toEqual([])
    expect(findings.map((f) => f.check)).toEqual(expect.arrayContaining(['configuration', 'data directory', 'disk space', 'schema', 'integrity', 'fleet', 'ports']))
  })

  it('names an ABP device without keys and a sensor without a valid calibration', () => {
    store.db.prepare("UPDATE devices SET nwk_s_key = NULL WHERE dev_eui = '70b3d57ed0000101'").run()
    store.db.prepare("DELETE FROM calibrations WHERE record_key = '56-0202-T-2024'").run()
    const findings = checkFleet(store.db)
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'error', message: expect.stringContaining('70b3d57ed0000101 has no session keys') }))
    expect(findings).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('SBE56-thermistor/56-0202 has no calibration valid now') }))
  })

  it('reports a port taken by another program', async () => {
    const blocker = createServer()
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as any).port)))
    try {
      const config = loadConfig({ env: {}, flags: { database: store.path, http: { port }, mqtt: { port: 0 }, udp: { port: 0 } } })
      const findings = await runDoctor(config)
      expect(findings).toContainEqual(expect.objectContaining({ check: 'ports', severity: 'error', message: expect.stringContaining(`tcp/${port}`) }))
    } finally {
      blocker.close()
    }
  })
})
