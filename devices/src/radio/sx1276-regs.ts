// SX1276/77/78/79 LoRa-mode registers and bits: Semtech datasheet SX1276/77/78/79 Rev. 7
// (May 2020) §6.4 "LoRa Mode Register Map", and the errata note SX1276_77_8_ErrataNote_1.1;
// names as in Semtech's LoRaMac-node src/radio/sx1276/sx1276Regs-LoRa.h.

export const enum Reg {
    Fifo = 0x00,
    OpMode = 0x01,
    FrfMsb = 0x06,
    FrfMid = 0x07,
    FrfLsb = 0x08,
    PaConfig = 0x09,
    Ocp = 0x0b,
    Lna = 0x0c,
    FifoAddrPtr = 0x0d,
    FifoTxBaseAddr = 0x0e,
    FifoRxBaseAddr = 0x0f,
    FifoRxCurrentAddr = 0x10,
    IrqFlagsMask = 0x11,
    IrqFlags = 0x12,
    RxNbBytes = 0x13,
    PktSnrValue = 0x19,
    PktRssiValue = 0x1a,
    ModemConfig1 = 0x1d,
    ModemConfig2 = 0x1e,
    SymbTimeoutLsb = 0x1f,
    PreambleMsb = 0x20,
    PreambleLsb = 0x21,
    PayloadLength = 0x22,
    PayloadMaxLength = 0x23,
    ModemConfig3 = 0x26,
    /** Errata 2.3: IF frequency (undocumented "Test2F"/"Test30"). */
    IfFreq1 = 0x2f,
    IfFreq2 = 0x30,
    DetectOptimize = 0x31,
    InvertIq = 0x33,
    /** Errata 2.1: 500 kHz sensitivity ("Test36"/"Test3A"). */
    HighBwOptimize1 = 0x36,
    DetectionThreshold = 0x37,
    SyncWord = 0x39,
    HighBwOptimize2 = 0x3a,
    InvertIq2 = 0x3b,
    DioMapping1 = 0x40,
    Version = 0x42,
    PaDac = 0x4d,
}

/** RegOpMode (§6.4, Table 41): LongRangeMode, and Mode bits 2:0. */
export const OPMODE_LORA = 0x80
export const enum Mode {
    Sleep = 0x00,
    Standby = 0x01,
    Tx = 0x03,
    RxContinuous = 0x05,
    RxSingle = 0x06,
}

/** RegIrqFlags bits. */
export const IRQ_RX_TIMEOUT = 0x80
export const IRQ_RX_DONE = 0x40
export const IRQ_PAYLOAD_CRC_ERROR = 0x20
export const IRQ_VALID_HEADER = 0x10
export const IRQ_TX_DONE = 0x08

/** RegDioMapping1: DIO0 = 01 TxDone, 00 RxDone; DIO1 = 00 RxTimeout. */
export const DIO_MAPPING_TX = 0x40
export const DIO_MAPPING_RX = 0x00

/** RegVersion of an SX1276/77/78/79. */
export const SX1276_VERSION = 0x12
/** LoRaWAN public-network sync word (LoRaMac-node LORA_MAC_PUBLIC_SYNCWORD). */
export const SYNC_WORD_PUBLIC = 0x34
/** Frf step: FXOSC / 2^19 = 32 MHz / 524288 (§4.1.4). */
export const FREQ_STEP_HZ = 61.03515625

/** RegModemConfig1 bandwidth field (bits 7:4). */
export function bandwidthCode(bandwidthHz: number): number {
    if (bandwidthHz === 125000) return 7
    if (bandwidthHz === 250000) return 8
    if (bandwidthHz === 500000) return 9
    return -1
}
