// The ways uplinks come in, each turning its format into the records of ./types.ts and handing
// them to an UplinkSink, acknowledging only what the sink made durable. docs/ingest.md.

export type { AppUplink, GatewayReception, PhyUplink, ReceivedUplink, UplinkSink, UplinkSourceKind } from './types.js'
export type { Parsed, Rejection, RejectionReason } from './rejections.js'
export { IngestCounters, type IngestCounterSource, type RejectionCount } from './counters.js'
export type { IngestLogger } from './submit.js'

// Semtech UDP packet forwarder
export { SemtechUdpServer, DEFAULT_MAX_DATAGRAM_BYTES, type SemtechUdpServerOptions, type DownlinkResult, type DownlinkError } from './semtech/server.js'
export type { GatewayState, GatewayCounters, GatewayAddress, TxAckRecord } from './semtech/gateways.js'
export type { GatewayStat } from './semtech/stat.js'
export type { TxPk, TxAckReport } from './semtech/txpk.js'

// MQTT
export { startMqttIngest, type MqttIngest, type MqttIngestOptions } from './mqtt/startMqttIngest.js'
export { EmbeddedBrokerIngest, NotDurableError, type EmbeddedBrokerIngestOptions } from './mqtt/embeddedBroker.js'
export { ExternalBrokerIngest, type ExternalBrokerIngestOptions, type ExternalBrokerConnection } from './mqtt/externalBroker.js'
export { DEFAULT_INGEST_TOPICS } from './mqtt/topics.js'
export { DEFAULT_MAX_MESSAGE_BYTES } from './mqtt/uplinkMessage.js'

// HTTP webhooks
export { ingestWebhooks, DEFAULT_BODY_LIMIT_BYTES, type IngestWebhookOptions } from './http/webhooks.js'

// Format parsers, for tools and tests that hold a message already
export { parsePushData } from './semtech/pushData.js'
export { parseChirpstackUplinkEvent } from './chirpstack/uplinkEvent.js'
export { parseGatewayBridgeUplink } from './chirpstack/gatewayFrame.js'
export { parseTtsApplicationUp } from './tts/applicationUp.js'
