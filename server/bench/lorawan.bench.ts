// LoRaWAN layer benchmarks. The baseline of each row is lora-packet 0.9.3 (pure-JS AES) doing the
// same work on the same frames in the same run, so the ratio holds on a noisy machine; the
// de-duplicator is compared with a bare Map keyed the same way. Run by the root `npm run bench`.
import { Deduplicator, processDataFrame, readUplinkFrame, type DataUpFrame, type DeviceSession } from '../src/lorawan/index.js'
import { cryptUplinkFrmPayload, uplinkMic } from '../src/lorawan/frame-crypto.js'
import type { PhyUplink } from '../src/ingest/types.js'
import { buildWithLoraPacket, fCntMSBytes, lora } from '../test/lorawan/lora-packet-frames.js'
import type { BenchRow } from './support.js'

/** Operations per second of f(i), best of 3 runs of about `ms` each after a warm-up. */
function opsPerSecond(f: (i: number) => unknown, ms = 400): number {
  for (let i = 0; i < 500; i++) f(i)
  let best = 0
  for (let round = 0; round < 3; round++) {
    let n = 0
    const start = performance.now()
    let now = start
    while (now - start < ms) {
      for (let k = 0; k < 100; k++) f(n + k)
      n += 100
      now = performance.now()
    }
    best = Math.max(best, (n * 1000) / (now - start))
  }
  return best
}

interface Case {
  phy: Buffer
  session: DeviceSession
  fCnt: number
  frame: DataUpFrame
  msb: Buffer
}

/** 256 buoys' uplinks: a 51-byte payload (EU868 SF12 budget), some with FOpts, counters past 2^16. */
function cases(): Case[] {
  const out: Case[] = []
  for (let i = 0; i < 256; i++) {
    const key = (b: number): Buffer => Buffer.from(Array.from({ length: 16 }, (_, k) => (b * 31 + k * 7 + i) & 0xff))
    const devAddr = Buffer.from([0x26, 0x01, i, 0x42])
    const fCnt = i % 2 === 0 ? 1000 + i : 70_000 + i
    const spec = {
      devAddr,
      fCnt,
      confirmed: false,
      adr: true,
      adrAckReq: false,
      ack: false,
      fOpts: i % 4 === 0 ? Buffer.from('067307', 'hex') : Buffer.alloc(0),
      fPort: 2,
      payload: Buffer.from(Array.from({ length: 51 }, (_, k) => (k * 13 + i) & 0xff)),
      nwkSKey: key(1),
      appSKey: key(2),
    }
    const phy = buildWithLoraPacket(spec)
    const read = readUplinkFrame(phy)
    if (!read.ok || read.value.kind !== 'data-up') throw new Error('bench frame rejected')
    out.push({
      phy,
      session: { devAddr: devAddr.toString('hex'), nwkSKey: spec.nwkSKey, appSKey: spec.appSKey, lastFCntUp: fCnt - 1 },
      fCnt,
      frame: read.value,
      msb: fCntMSBytes(fCnt),
    })
  }
  return out
}

export async function run(): Promise<BenchRow[]> {
  const all = cases()
  const pick = (i: number): Case => all[i & 255] as Case
  let sink = 0

  // MIC + decryption only, fields already read (lora-packet: packets already parsed).
  const parsed = all.map((c) => lora.fromWire(c.phy))
  const ours = opsPerSecond((i) => {
    const c = pick(i)
    const mic = uplinkMic(c.session.nwkSKey, c.frame.micInput, c.frame.devAddrWire, c.fCnt)
    sink += mic[0] + cryptUplinkFrmPayload(c.session.appSKey, c.frame.devAddrWire, c.fCnt, c.frame.frmPayload)[0]
  })
  const theirs = opsPerSecond((i) => {
    const c = pick(i)
    const p = parsed[i & 255]
    sink += Number(lora.verifyMIC(p, c.session.nwkSKey, undefined, c.msb)) + lora.decrypt(p, c.session.appSKey, c.session.nwkSKey, c.msb)[0]
  })

  // The whole data path per uplink: structure check, fields, FCnt, MIC, decryption, MAC commands.
  const full = opsPerSecond((i) => {
    const r = processDataFrame(pick(i).phy, pick(i).session)
    if (!r.ok) throw new Error(r.error.code)
    sink += r.value.payload[0]
  })
  const fullTheirs = opsPerSecond((i) => {
    const c = pick(i)
    const p = lora.fromWire(c.phy)
    if (!lora.verifyMIC(p, c.session.nwkSKey, undefined, c.msb)) throw new Error('mic')
    sink += lora.decrypt(p, c.session.appSKey, c.session.nwkSKey, c.msb)[0]
  })

  // De-duplication: every frame heard by 3 gateways, flushed as a batch pipeline would.
  const uplinks: PhyUplink[] = all.flatMap((c, k) =>
    ['gw-a', 'gw-b', 'gw-c'].map((gatewayId, g) => ({
      kind: 'phy' as const,
      source: 'semtech-udp' as const,
      phyPayload: Buffer.from(c.phy),
      receivedAtMs: k * 10 + g,
      reception: { gatewayId, rssiDbm: -100 + g },
    })),
  )
  let counter = 0
  const dedupRate = opsPerSecond(() => {
    const d = new Deduplicator({ newId: () => String(++counter) })
    for (const u of uplinks) d.add(u)
    sink += d.flushAll(0).length
  }, 300) * uplinks.length
  const mapRate = opsPerSecond(() => {
    const m = new Map<string, PhyUplink[]>()
    for (const u of uplinks) {
      const key = u.phyPayload.toString('latin1')
      const group = m.get(key)
      if (group === undefined) m.set(key, [u])
      else group.push(u)
    }
    sink += m.size
  }, 300) * uplinks.length

  if (sink === 42) console.log('') // keep the results alive
  return [
    { name: 'lorawan MIC + decrypt (node:crypto), uplinks/s', value: ours, unit: 'uplinks/s', baseline: theirs, ratio: ours / theirs },
    {
      name: 'lorawan processDataFrame (check, fields, FCnt, MIC, decrypt, MAC), uplinks/s',
      value: full,
      unit: 'uplinks/s',
      baseline: fullTheirs,
      ratio: full / fullTheirs,
    },
    {
      name: 'lorawan processDataFrame per uplink (lower is better)',
      value: 1e6 / full,
      unit: 'µs/uplink',
      baseline: 1e6 / fullTheirs,
      ratio: fullTheirs / full,
    },
    { name: 'lorawan Deduplicator add + flush, 3 gateways per frame', value: dedupRate, unit: 'receptions/s', baseline: mapRate, ratio: dedupRate / mapRate },
  ]
}
