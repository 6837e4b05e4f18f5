// Class A downlinks: the queue, the scheduler, the admin API and the one function that answers
// an uplink through its best gateway (class-a.ts, also used by OTAA join accepts). docs/downlinks.md.
export { planClassA, rankGateways, scheduleClassA, type ClassAErrorCode, type ClassAGateways, type ClassAOptions, type ClassAPlan, type ClassAResult, type ClassAUplink, type ClassAWindow } from './class-a.js'
export { buildDataDownlink, cryptDownlinkFrmPayload, type DataDownlinkFields, type SessionKeys } from './frame.js'
export { DownlinkStore, type DownlinkItem, type DownlinkStoreOptions, type DownlinkState, type EnqueueError, type EnqueueResult, type PendingDownlink } from './queue.js'
export { DOWNLINK_ERRORS, downlinkRoutes, type DownlinkErrorCode, type DownlinkRoutesOptions } from './routes.js'
export { configCommands, MAX_DOWNLINK_PAYLOAD_BYTES, parseDownlinkRequest, type ConfigRequest, type DownlinkRequest } from './request.js'
export { dataRateIndex, region, REGIONS, type RegionName, type RegionParams } from './region.js'
export { DownlinkScheduler, type DownlinkCounts, type DownlinkSchedulerOptions, type StoredUplink } from './scheduler.js'
export { chirpstackDownTopic, chirpstackQueueItemId, embeddedBrokerPublisher, NETWORK_SERVER_EVENT_TOPICS, NetworkServerDownlinks, ttsDownTopic, type DownlinkPublisher, type NetworkServerDownlinksOptions, type NetworkServerRoute } from './network-server.js'
