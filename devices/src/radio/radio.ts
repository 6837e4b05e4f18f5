// The small radio interface the LoRaWAN MAC drives (src/lorawan/mac.ts). Implemented by the
// SX1276 and SX1262 register-level drivers, by the Jacdac "pipe" radio of the VM harness and by the
// scripted radio of the tests. All times are milliseconds on the same Clock as the MAC's.

/** Monotonic time and waiting: ds.millis()/ds.sleep() on the buoy, a virtual clock in tests. */
export interface Clock {
    now(): number
    sleep(ms: number): Promise<void>
}

/** LoRa modulation and transmit settings for the next transmission (configure). */
export interface TxConfig {
    frequencyHz: number
    sf: number
    bandwidthHz: number
    /** Coding rate 4/cr: 5 for 4/5, LoRaWAN's only rate. */
    codingRate: number
    /** Conducted output power in dBm (the MAC subtracts the antenna gain from the EIRP). */
    powerDbm: number
}

/** One receive window: where to listen, when to open, how long to look for a preamble. */
export interface RxWindow {
    frequencyHz: number
    sf: number
    bandwidthHz: number
    codingRate: number
    /** Clock time at which the receiver must be listening. */
    openAtMs: number
    /** Symbols the receiver waits for a preamble before giving up (SX127x RegSymbTimeout). */
    timeoutSymbols: number
    /** Longest PHYPayload expected (the radio may drop longer frames). */
    maxLength: number
}

export interface TxDone {
    startMs: number
    /** When the last bit left the antenna: RX1/RX2 are timed from here (LoRaWAN 1.0.4 §3.3). */
    endMs: number
    airtimeMs: number
}

export interface RxFrame {
    bytes: number[]
    rssiDbm: number
    snrDb: number
}

export type RadioErrorCode =
    /** The chip did not answer with its expected version or status. */
    | "chip_not_found"
    /** BUSY stayed high (SX126x) or the SPI transfer failed. */
    | "bus_error"
    /** TxDone never came. */
    | "tx_timeout"
    /** A setting the chip cannot do (frequency, SF, bandwidth, power, length). */
    | "invalid_config"
    /** The pipe to the Node harness is not connected or dropped a frame. */
    | "transport_error"

export interface RadioError {
    code: RadioErrorCode
    message: string
}

export type RadioResult<T> = { ok: true; value: T } | { ok: false; error: RadioError }

export function radioOk<T>(value: T): RadioResult<T> {
    return { ok: true, value: value }
}

export function radioError<T>(code: RadioErrorCode, message: string): RadioResult<T> {
    return { ok: false, error: { code: code, message: message } }
}

export interface Radio {
    /** Sets modulation, frequency and power for the next transmit. */
    configure(cfg: TxConfig): Promise<RadioResult<boolean>>
    /** Sends bytes with the configured settings (normal IQ, CRC on); resolves when TX is done. */
    transmit(bytes: number[]): Promise<RadioResult<TxDone>>
    /** Opens one window (inverted IQ, no CRC check, as LoRaWAN downlinks are sent); null when nothing came. */
    receive(window: RxWindow): Promise<RadioResult<RxFrame | null>>
    /** Lowest-power state until the next configure. */
    sleep(): Promise<RadioResult<boolean>>
}
