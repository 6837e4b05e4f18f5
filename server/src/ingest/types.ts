// What every way in (Semtech UDP, MQTT, HTTP webhooks) hands to the ingest pipeline: one
// normalised record per received frame, before any LoRaWAN processing.

/** One gateway's reception of a frame. Fields a source does not give are left out. */
export interface GatewayReception {
  gatewayId: string // EUI as 16 lower-case hex digits when known, else the source's gateway id
  /** Receive time reported by the gateway (GPS time when the gateway has it), ISO 8601. */
  time?: string
  /** Gateway's internal microsecond counter (Semtech tmst). */
  tmst?: number
  rssiDbm?: number
  snrDb?: number
  frequencyHz?: number
  /** "SF7BW125" style LoRa data rate, or the FSK bit rate as a string. */
  dataRate?: string
  codingRate?: string
  channel?: number
  rfChain?: number
}

export type UplinkSourceKind =
  | 'semtech-udp'
  | 'chirpstack-gateway-bridge-mqtt'
  | 'chirpstack-application-mqtt'
  | 'chirpstack-application-http'
  | 'tts-mqtt'
  | 'tts-webhook'
  /** A reeflink buoy publishing its own PHYPayloads over Wi-Fi (reeflink/v1/<devEui>/phy/up). */
  | 'buoy-mqtt'

/** A raw LoRaWAN frame heard by a gateway: the server checks the MIC and decrypts it. */
export interface PhyUplink {
  kind: 'phy'
  source: UplinkSourceKind
  phyPayload: Buffer
  /** Server clock when the frame arrived, epoch ms. */
  receivedAtMs: number
  reception: GatewayReception
}

/** An uplink a network server (ChirpStack, The Things Stack) already checked and decrypted. */
export interface AppUplink {
  kind: 'app'
  source: UplinkSourceKind
  /** Device EUI, 16 lower-case hex digits. */
  devEui: string
  /** The network server's own device id (The Things Stack device_id), when given. */
  deviceId?: string
  devAddr?: string
  fPort: number
  /** Full 32-bit frame counter as reported by the network server. */
  fCnt: number
  /** Decrypted application payload (FRMPayload). */
  payload: Buffer
  receivedAtMs: number
  /** The network server's receive time, ISO 8601, when given. */
  networkTime?: string
  /** The network server's de-duplication id, when given (ChirpStack deduplicationId). */
  networkDedupId?: string
  receptions: GatewayReception[]
}

export type ReceivedUplink = PhyUplink | AppUplink

/**
 * Where sources hand frames. The promise resolves once the frames are durable (stored, or
 * recorded as rejected): only then may a source acknowledge them (PUSH_ACK, MQTT PUBACK, HTTP
 * 200). It rejects when they could not be made durable (disk full, shutting down): the source
 * must then not acknowledge.
 */
export interface UplinkSink {
  submit(uplinks: ReceivedUplink[]): Promise<void>
}
