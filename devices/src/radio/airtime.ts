// LoRa time on air, Semtech AN1200.13 "LoRa Modem Designer's Guide" §4 (and the SX1276 datasheet
// §4.1.1.7, SX1261/2 datasheet §6.1.4):
//   Tsym = 2^SF / BW
//   Tpreamble = (Npreamble + 4.25) · Tsym
//   Npayload = 8 + max(ceil((8·PL − 4·SF + 28 + 16·CRC − 20·IH) / (4·(SF − 2·DE))) · CR, 0)
// PL = PHY payload bytes; CR = 4/CR denominator (5 for 4/5); DE = low data rate optimisation,
// on when Tsym ≥ 16 ms (SF11/SF12 at 125 kHz, the LoRaWAN rule).

export function symbolMs(sf: number, bandwidthHz: number): number {
    return (Math.pow(2, sf) / bandwidthHz) * 1000
}

/** Whether the modem must run with low data rate optimisation (symbol ≥ 16 ms). */
export function lowDataRateOptimize(sf: number, bandwidthHz: number): boolean {
    return symbolMs(sf, bandwidthHz) >= 16
}

export function loraAirtimeMs(
    phyBytes: number,
    sf: number,
    bandwidthHz: number,
    codingRate: number,
    preambleSymbols: number,
    crc: boolean,
    explicitHeader: boolean,
): number {
    const tSym = symbolMs(sf, bandwidthHz)
    const de = lowDataRateOptimize(sf, bandwidthHz) ? 1 : 0
    const num = 8 * phyBytes - 4 * sf + 28 + (crc ? 16 : 0) - (explicitHeader ? 0 : 20)
    let n = Math.ceil(num / (4 * (sf - 2 * de))) * codingRate
    if (n < 0) n = 0
    return (preambleSymbols + 4.25 + 8 + n) * tSym
}

/** A LoRaWAN uplink: 8-symbol preamble, explicit header, CRC on, coding rate 4/5. */
export function uplinkAirtimeMs(phyBytes: number, sf: number, bandwidthHz: number): number {
    return loraAirtimeMs(phyBytes, sf, bandwidthHz, 5, 8, true, true)
}
