// SX1261/SX1262 commands, registers and IRQ bits: Semtech datasheet DS_SX1261-2 Rev. 2.1 (Dec 2021)
// §13 "List of Commands", §12 "Register Map", §15 "Known Limitations"; names as in LoRaMac-node
// src/radio/sx126x/sx126x.h.

export const enum Op {
    SetSleep = 0x84,
    SetStandby = 0x80,
    SetTx = 0x83,
    SetRx = 0x82,
    StopTimerOnPreamble = 0x9f,
    SetLoRaSymbNumTimeout = 0xa0,
    SetRegulatorMode = 0x96,
    Calibrate = 0x89,
    CalibrateImage = 0x98,
    SetPaConfig = 0x95,
    WriteRegister = 0x0d,
    ReadRegister = 0x1d,
    WriteBuffer = 0x0e,
    ReadBuffer = 0x1e,
    SetDioIrqParams = 0x08,
    GetIrqStatus = 0x12,
    ClearIrqStatus = 0x02,
    SetDio2AsRfSwitchCtrl = 0x9d,
    SetDio3AsTcxoCtrl = 0x97,
    SetRfFrequency = 0x86,
    SetPacketType = 0x8a,
    SetTxParams = 0x8e,
    SetModulationParams = 0x8b,
    SetPacketParams = 0x8c,
    SetBufferBaseAddress = 0x8f,
    GetRxBufferStatus = 0x13,
    GetPacketStatus = 0x14,
    GetStatus = 0xc0,
}

/** Registers (§12.1). */
export const REG_LORA_SYNC_WORD_MSB = 0x0740
/** Errata §15.4: bit 2 is 0 with inverted IQ, 1 with standard IQ. */
export const REG_IQ_POLARITY = 0x0736
/** Errata §15.1: bit 2 is 0 for 500 kHz LoRa, 1 otherwise. */
export const REG_TX_MODULATION = 0x0889
/** Errata §15.2: bits 4:1 set (0x1E) for better resistance to antenna mismatch. */
export const REG_TX_CLAMP_CONFIG = 0x08d8
/** SetLoRaSymbNumTimeout above 63 symbols: mantissa/exponent here (LoRaMac-node REG_LR_SYNCH_TIMEOUT). */
export const REG_LORA_SYNCH_TIMEOUT = 0x0706

/** IRQ bits (§13.3.1, Table 13-29). */
export const IRQ_TX_DONE = 0x0001
export const IRQ_RX_DONE = 0x0002
export const IRQ_HEADER_ERR = 0x0020
export const IRQ_CRC_ERR = 0x0040
export const IRQ_TIMEOUT = 0x0200

export const PACKET_TYPE_LORA = 0x01
export const STANDBY_RC = 0x00
/** SetSleep config: warm start (configuration retained). */
export const SLEEP_WARM_START = 0x04
/** GetStatus chip modes (bits 6:4). */
export const CHIP_MODE_STBY_RC = 2

/** SetModulationParams bandwidth codes (Table 13-48). */
export function loraBandwidthCode(bandwidthHz: number): number {
    if (bandwidthHz === 125000) return 0x04
    if (bandwidthHz === 250000) return 0x05
    if (bandwidthHz === 500000) return 0x06
    return -1
}

/** CalibrateImage frequency pair for the band containing f (§9.2.1, Table 9-2). */
export function imageCalibration(frequencyHz: number): number[] {
    if (frequencyHz > 900000000) return [0xe1, 0xe9]
    if (frequencyHz > 850000000) return [0xd7, 0xdb]
    if (frequencyHz > 770000000) return [0xc1, 0xc5]
    if (frequencyHz > 460000000) return [0x75, 0x81]
    return [0x6b, 0x6f]
}

/** SetLoRaSymbNumTimeout argument and, above 63 symbols, the register value (LoRaMac-node SX126xSetLoRaSymbNumTimeout). */
export function symbolTimeoutEncoding(symbols: number): { command: number; register: number } {
    let mant = (Math.min(symbols, 248) + 1) >> 1
    let exp = 0
    while (mant > 31) {
        mant = (mant + 3) >> 2
        exp++
    }
    return { command: (mant << (2 * exp + 1)) & 0xff, register: exp + (mant << 3) }
}
