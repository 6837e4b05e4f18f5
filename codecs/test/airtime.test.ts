import { describe, expect, it } from 'vitest'
import { dutyCycleOffMs, EU868, timeOnAirMs } from '../src/index.js'

describe('LoRa time on air (Semtech AN1200.13)', () => {
  // 51 bytes at SF12 (2.79 s) and SF7 (0.118 s) are the figures of the LoRaWAN notes checked for
  // this project; the others are worked by hand from the formula, e.g. DR0 with no payload:
  // PL = 13, ceil((104 - 48 + 28 + 16) / 40) = 3, 3·5 + 8 = 23 symbols, (12.25 + 23) · 32.768 ms.
  it.each([
    [0, 51, 2793.5],
    [0, 0, 1155.1],
    [5, 51, 118.0],
    [3, 115, 676.9],
  ])('DR%i with %i application bytes takes %f ms', (dr, bytes, ms) => {
    expect(timeOnAirMs(EU868[dr], bytes, 0, true)).toBeCloseTo(ms, 0)
  })

  it('1 % duty cycle means 99 times the airtime off', () => {
    expect(dutyCycleOffMs(2793.5, 0.01)).toBeCloseTo(276556.5, 1)
  })
})
