import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64, normaliseDevAddr, normaliseEui, parseTimestamp } from '../../src/ingest/fields.js'
import { gpsMsFromUtcMs, utcMsFromGpsMs } from '../../src/ingest/gpsTime.js'
import { IngestCounters } from '../../src/ingest/counters.js'

describe('decodeBase64', () => {
  it('reads every spelling an encoder produces: padded, unpadded, URL alphabet, mixed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('std', 'stdNoPad', 'url', 'urlPadded'), (bytes, style) => {
        const b = Buffer.from(bytes)
        const text = {
          std: b.toString('base64'),
          stdNoPad: b.toString('base64').replace(/=+$/, ''),
          url: b.toString('base64url'),
          urlPadded: b.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'),
        }[style]
        expect(decodeBase64(text)?.equals(b)).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it("decodes PROTOCOL.TXT's own example, which mixes '-' with '+'", () => {
    expect(decodeBase64('-DS4CGaDCdG+48eJNM3Vai-zDpsR71Pn9CPA9uCON84')?.toString('hex')).toBe(
      'f834b808668309d1bee3c78934cdd56a2fb30e9b11ef53e7f423c0f6e08e37ce',
    )
  })

  it.each([
    ['a', 'a length no encoder produces'],
    ['qg===', 'too much padding'],
    ['qgA==', 'padding where none is due'],
    ['q g==', 'whitespace'],
    ['qg==qg==', 'padding in the middle'],
    ['qg*=', 'a character outside both alphabets'],
  ])('refuses %j (%s)', (text) => {
    expect(decodeBase64(text)).toBeUndefined()
  })

  it('never throws, whatever the string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => void decodeBase64(s)), { numRuns: 2000 })
  })
})

describe('identifiers', () => {
  it('normalises EUIs and DevAddrs to lower-case hex and refuses anything else', () => {
    expect(normaliseEui('B827EBFFFE6A1C2D')).toBe('b827ebfffe6a1c2d')
    expect(normaliseEui('b827ebfffe6a1c2')).toBeUndefined()
    expect(normaliseEui('b8-27-eb-ff-fe-6a-1c-2d')).toBeUndefined()
    expect(normaliseEui('eui-b827ebfffe6a1c2d')).toBeUndefined()
    expect(normaliseDevAddr('260B1A2C')).toBe('260b1a2c')
    expect(normaliseDevAddr('260b1a2')).toBeUndefined()
  })
})

describe('parseTimestamp', () => {
  it('keeps every fractional digit and converts offsets to Z', () => {
    expect(parseTimestamp('2022-07-18T09:34:15.775023242+00:00')).toEqual({ kind: 'time', iso: '2022-07-18T09:34:15.775023242Z', epochMs: Date.UTC(2022, 6, 18, 9, 34, 15, 775) })
    expect(parseTimestamp('2013-03-31T16:21:17.528002Z')).toMatchObject({ iso: '2013-03-31T16:21:17.528002Z' })
    // Nouméa is UTC+11.
    expect(parseTimestamp('2024-03-05T21:22:31.418+11:00')).toMatchObject({ iso: '2024-03-05T10:22:31.418Z' })
    expect(parseTimestamp('2024-03-05T10:22:31Z')).toMatchObject({ iso: '2024-03-05T10:22:31Z' })
  })

  it("treats Go's zero time and other pre-GPS dates as unset", () => {
    expect(parseTimestamp('0001-01-01T00:00:00Z')).toEqual({ kind: 'unset' })
  })

  it.each(['2024-02-30T00:00:00Z', '2024-03-05T24:00:00Z', '2024-03-05T10:22:31', '2024-03-05', 'yesterday', '2024-03-05T10:22:31+1100'])('refuses %j', (text) => {
    expect(parseTimestamp(text)).toEqual({ kind: 'invalid' })
  })

  it('agrees with Date on every instant it is given, in any offset', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1981-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: -12 * 60, max: 14 * 60 }), (d, offsetMin) => {
        const local = new Date(d.getTime() + offsetMin * 60_000).toISOString().slice(0, 23)
        const sign = offsetMin < 0 ? '-' : '+'
        const abs = Math.abs(offsetMin)
        const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
        const t = parseTimestamp(local + zone)
        expect(t).toEqual({ kind: 'time', iso: d.toISOString(), epochMs: d.getTime() })
      }),
      { numRuns: 1000 },
    )
  })
})

describe('GPS time', () => {
  it('applies the leap seconds of the moment (GPS−UTC 18 s since 2017)', () => {
    // 2020-01-01T00:00:00Z is GPS second 1261872018.
    expect(gpsMsFromUtcMs(Date.UTC(2020, 0, 1))).toBe(1_261_872_018_000)
    expect(utcMsFromGpsMs(1_261_872_018_000)).toBe(Date.UTC(2020, 0, 1))
    // Before the first leap second (1981-07-01) GPS and UTC were in step.
    expect(utcMsFromGpsMs(0)).toBe(Date.UTC(1980, 0, 6))
  })

  it('round-trips every instant outside the leap second itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1980, 0, 6), max: Date.UTC(2100, 0, 1) }), (utc) => {
        expect(utcMsFromGpsMs(gpsMsFromUtcMs(utc))).toBe(utc)
      }),
      { numRuns: 2000 },
    )
  })
})

describe('IngestCounters', () => {
  it('counts by source and reason and keeps the latest detail', () => {
    const c = new IngestCounters()
    c.reject('semtech-udp', { reason: 'crc-failed', detail: 'rxpk[0]' })
    c.reject('semtech-udp', { reason: 'crc-failed', detail: 'rxpk[2]' })
    c.reject('mqtt', { reason: 'unknown-topic', detail: 'a/b' })
    c.accept('tts-webhook', 3)
    expect(c.rejected()).toBe(3)
    expect(c.rejected({ source: 'semtech-udp', reason: 'crc-failed' })).toBe(2)
    expect(c.accepted('tts-webhook')).toBe(3)
    expect(c.rejectionRows()).toEqual([
      { source: 'mqtt', reason: 'unknown-topic', count: 1, lastDetail: 'a/b' },
      { source: 'semtech-udp', reason: 'crc-failed', count: 2, lastDetail: 'rxpk[2]' },
    ])
  })
})
