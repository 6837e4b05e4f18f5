// The golden vectors are the payload spec: every one must decode and encode exactly.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeDownlink, decodeUplink, encodeDownlink, encodeMeasurements, encodeUplink, fromHex, toHex } from '../src/index.js'
import { buildVectors, renderJson, renderTs } from '../scripts/golden-vectors.js'
import type { GoldenVector } from '../vectors/types.js'

const vectors: GoldenVector[] = JSON.parse(readFileSync(new URL('../vectors/golden.json', import.meta.url), 'utf8'))

describe('golden vectors', () => {
  it('cover every message type, both directions and error cases', () => {
    const kinds = new Set(vectors.map((v) => `${v.direction}:${v.fPort}:${v.error ? 'error' : 'ok'}`))
    for (const k of ['uplink:1:ok', 'uplink:2:ok', 'uplink:3:ok', 'downlink:10:ok', 'uplink:1:error', 'uplink:2:error', 'uplink:3:error', 'downlink:10:error']) {
      expect(kinds).toContain(k)
    }
  })

  for (const v of vectors) {
    it(`${v.direction} fPort ${v.fPort}: ${v.name}`, () => {
      const bytes = fromHex(v.hex)
      expect(bytes).not.toBeNull()
      const decoded = v.direction === 'uplink' ? decodeUplink(bytes!, v.fPort) : decodeDownlink(bytes!, v.fPort)
      if (v.error) {
        expect(decoded).toMatchObject({ ok: false, error: { code: v.error.code, offset: v.error.offset } })
        return
      }
      expect(decoded).toEqual({ ok: true, value: v.message })
      const encoded = v.direction === 'uplink' ? encodeUplink(v.message) : encodeDownlink(v.message)
      expect(encoded).toEqual({ ok: true, value: { fPort: v.fPort, bytes: bytes } })
      if (v.samples) {
        const packed = encodeMeasurements(v.samples, v.budget!)
        expect(packed.ok && toHex(packed.value.bytes)).toBe(v.hex)
        expect(packed.ok && packed.value.consumed).toBe(v.consumed)
        expect(v.message.samples).toEqual(v.samples.slice(0, v.consumed))
      }
    })
  }

  it('golden.json and its DeviceScript twin golden.ts are current', () => {
    const built = buildVectors()
    expect(renderJson(built)).toBe(readFileSync(new URL('../vectors/golden.json', import.meta.url), 'utf8'))
    expect(renderTs(built)).toBe(readFileSync(new URL('../vectors/golden.ts', import.meta.url), 'utf8'))
  })
})
