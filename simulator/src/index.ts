/**
 * @reeflink/simulator — virtual buoys replaying recorded NetCDF series through the real radio
 * path (lora-packet frames, Semtech UDP gateways or network-server MQTT events), with faults on
 * demand and an exact ledger; and the generator of the bundled OceanSITES sample data.
 * NetCDF reading and writing: `@reeflink/simulator/netcdf`. Documentation: docs/simulator.md.
 */

import { fileURLToPath } from 'node:url';

// Replay
export { runReplay, loadFleetRecords, toEpochMs } from './replay/run-replay.js';
export type { ReplayOptions, ReplayProgress, ReplayResult, ReplayTarget, TimeInput } from './replay/run-replay.js';
export type { BuoySummary, FrameTotals, ReplaySummary } from './replay/summary.js';
export { ReplayLedger, DATASTREAMS, frameFate } from './replay/ledger.js';
export type { BuoyCounters, Datastream, FrameFate, FrameLoss, FrameRecord, LedgerSample, SampleFate, UnsentReason } from './replay/ledger.js';
export { ReplayError } from './replay/replay-error.js';
export type { ReplayErrorCode } from './replay/replay-error.js';
export { VirtualClock, systemClock } from './replay/virtual-clock.js';
export type { WallClock } from './replay/virtual-clock.js';
export type { ForwardAction, OutputCounters, Reception, UplinkOutput } from './replay/uplink-output.js';

// Faults
export { NO_FAULTS, buoyFaults, faultPlanFromValue, parseFaultPlan, unknownFaultTargets } from './replay/fault-plan.js';
export type { BuoyFaults, FaultPlan, GatewayFaults, SensorFaults, TimeWindow } from './replay/fault-plan.js';
export { FAULT_DRIFT, FAULT_SPIKE, FAULT_STUCK } from './sensors/sensor-faults.js';

// Fleet
export { parseFleet, readFleetFile, fleetFromValue, FIRMWARE_DEFAULTS, RADIO_DEFAULTS } from './fleet/parse-fleet.js';
export { FleetError, isFleetError, describeIssue } from './fleet/fleet-error.js';
export type { FleetErrorCode, ValidationIssue } from './fleet/fleet-error.js';
export { CHANNELS } from './fleet/fleet-types.js';
export type { BuoySource, BuoySpec, Channel, DeviceSession, FirmwareSettings, Fleet, GatewaySpec, RadioSettings, SensorSpecs, SourceVariables } from './fleet/fleet-types.js';
export { loadBuoyRecords, SourceCache } from './source/buoy-source.js';
export type { BuoyRecords } from './source/buoy-source.js';

// Lower level: buoys, sensors, gateways, network-server events
export { VirtualBuoy } from './buoy/virtual-buoy.js';
export type { BuoyTransmission, VirtualBuoyOptions } from './buoy/virtual-buoy.js';
export { payloadBudget, shouldSendMeasurements, RX_WINDOWS_MS } from './buoy/uplink-rules.js';
export { VirtualCtd, countFor } from './sensors/virtual-ctd.js';
export type { ChannelReading, CtdReading, PhysicalReading } from './sensors/virtual-ctd.js';
export { buildUplinkFrame, buildUplinkFrameWithLoraPacket, fCntMsBytes, sessionKeys } from './lorawan/uplink-frame.js';
export { aesCmac, encodeDataUplink, MAX_FRM_PAYLOAD } from './lorawan/frame-crypto.js';
export type { DataUplink } from './lorawan/frame-crypto.js';
export type { SessionKeys, UplinkFields } from './lorawan/uplink-frame.js';
export { loraPacket } from './lorawan/lora-packet.js';
export { SemtechUdpGateway, GatewayError, parseUdpTarget } from './gateway/semtech-gateway.js';
export type { GatewayCounters, GatewayErrorCode, SemtechGatewayOptions, UdpTarget } from './gateway/semtech-gateway.js';
export { SemtechUdpOutput, RxpkJsonWriter, buildRxpk } from './gateway/semtech-output.js';
export * as semtech from './gateway/semtech-protocol.js';
export type { Datagram, GatewayStat, PushPayload, Rxpk } from './gateway/semtech-protocol.js';
export { startUdpAckSink } from './gateway/udp-ack-sink.js';
export type { UdpAckSink, UdpAckSinkOptions } from './gateway/udp-ack-sink.js';
export { MqttNetworkServerOutput, DEDUPLICATION_DELAY_MS } from './network-server/mqtt-output.js';
export type { MqttOutputOptions } from './network-server/mqtt-output.js';
export { chirpstackUplinkEvent, chirpstackUplinkTopic } from './network-server/chirpstack-event.js';
export { ttsUplinkMessage, ttsUplinkTopic } from './network-server/tts-uplink.js';
export type { NetworkServerIdentity } from './network-server/event-context.js';
export { RadioChannel } from './replay/radio-channel.js';
export { distanceKm, linkBudget, pathLossDb, NOISE_FLOOR_DBM } from './radio/link-model.js';
export { EU868_DEFAULT_CHANNELS, loraDatr } from './radio/eu868-channels.js';

// Sample data
export { BUNDLED_STATIONS } from './sample-data/bundled-stations.js';
export { BUNDLED_DATA_DIR, SAMPLE_DATA_MANIFEST, SAMPLE_DATA_SEED, generateStation, manifestEntry, sha256Hex, writeSampleData } from './sample-data/generate-sample-data.js';
export type { GeneratedStation, ManifestEntry, SampleDataManifest, WriteSampleDataOptions } from './sample-data/generate-sample-data.js';
export type { StationSpec } from './sample-data/station-spec.js';

/** The bundled demo fleet (simulator/data/fleet.yaml), for `npm start` and the CLI. */
export const BUNDLED_FLEET_FILE = fileURLToPath(new URL('../data/fleet.yaml', import.meta.url));

// Progress
export { ProgressMeter, formatProgress } from './progress.js';
export type { Progress, ProgressCallback } from './progress.js';
export { seededRandom } from './random/seeded-random.js';
export type { Random } from './random/seeded-random.js';
