// Versioned schema migrations. Each runs once, in order, inside a transaction; the applied
// version is PRAGMA user_version. Never edit a released migration: add the next one.
//
// Conventions: times are INTEGER epoch milliseconds (UTC); JSON documents are TEXT; ids are
// INTEGER PRIMARY KEY (SensorThings @iot.id). Column meanings are in docs/store.md.

export interface Migration {
  version: number
  description: string
  sql: string
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    description: 'SensorThings entities, devices, calibrations, uplinks, observations, QC',
    sql: `
-- SensorThings core (OGC 18-088). A Thing is a station; MultiDatastreams group a station
-- instrument's series, as networks like ReefTEMPS publish them.
CREATE TABLE things (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  properties TEXT,
  station_code TEXT UNIQUE
);
CREATE TABLE locations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  encoding_type TEXT NOT NULL DEFAULT 'application/geo+json',
  location TEXT NOT NULL,
  properties TEXT
);
CREATE TABLE thing_locations (
  thing_id INTEGER NOT NULL REFERENCES things(id) ON DELETE CASCADE,
  location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
  PRIMARY KEY (thing_id, location_id)
) WITHOUT ROWID;
CREATE INDEX thing_locations_by_location ON thing_locations(location_id);
CREATE TABLE historical_locations (
  id INTEGER PRIMARY KEY,
  thing_id INTEGER NOT NULL REFERENCES things(id) ON DELETE CASCADE,
  time INTEGER NOT NULL
);
CREATE INDEX historical_locations_by_thing ON historical_locations(thing_id, time);
CREATE TABLE historical_location_locations (
  historical_location_id INTEGER NOT NULL REFERENCES historical_locations(id) ON DELETE CASCADE,
  location_id INTEGER NOT NULL REFERENCES locations(id) ON DELETE CASCADE,
  PRIMARY KEY (historical_location_id, location_id)
) WITHOUT ROWID;
CREATE INDEX historical_location_locations_by_location ON historical_location_locations(location_id);
-- A Sensor is a physical instrument (type + serial number); its calibrations hang off it.
CREATE TABLE sensors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  encoding_type TEXT NOT NULL DEFAULT 'application/json',
  metadata TEXT NOT NULL DEFAULT '',
  properties TEXT,
  sensor_type TEXT,
  serial_number TEXT,
  UNIQUE (sensor_type, serial_number)
);
CREATE TABLE observed_properties (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  definition TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  properties TEXT,
  code TEXT UNIQUE
);
CREATE TABLE features_of_interest (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  encoding_type TEXT NOT NULL DEFAULT 'application/geo+json',
  feature TEXT NOT NULL,
  properties TEXT
);
CREATE TABLE datastreams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  observation_type TEXT NOT NULL,
  unit_of_measurement TEXT NOT NULL,
  properties TEXT,
  thing_id INTEGER NOT NULL REFERENCES things(id) ON DELETE CASCADE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  observed_property_id INTEGER NOT NULL REFERENCES observed_properties(id) ON DELETE CASCADE,
  -- Feature of interest given to ingested observations (generated from the Thing's Location).
  feature_id INTEGER REFERENCES features_of_interest(id) ON DELETE SET NULL,
  -- Quantity code (TEMP, PRES, CNDC, PSAL, DEPTH, BATT) when provisioned for a station.
  quantity TEXT,
  -- Kept up to date by ingest (and by API writes): SensorThings' computed time ranges.
  phenomenon_time_start INTEGER,
  phenomenon_time_end INTEGER,
  result_time_start INTEGER,
  result_time_end INTEGER,
  UNIQUE (thing_id, quantity)
);
CREATE INDEX datastreams_by_sensor ON datastreams(sensor_id);
CREATE INDEX datastreams_by_observed_property ON datastreams(observed_property_id);
CREATE TABLE multi_datastreams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  observation_type TEXT NOT NULL DEFAULT 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_ComplexObservation',
  multi_observation_data_types TEXT NOT NULL,
  unit_of_measurements TEXT NOT NULL,
  properties TEXT,
  thing_id INTEGER NOT NULL REFERENCES things(id) ON DELETE CASCADE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  phenomenon_time_start INTEGER,
  phenomenon_time_end INTEGER,
  result_time_start INTEGER,
  result_time_end INTEGER
);
-- Ordered member properties of a MultiDatastream (result[i] is member i) and, for provisioned
-- ones, the Datastream each member mirrors.
CREATE TABLE multi_datastream_members (
  multi_datastream_id INTEGER NOT NULL REFERENCES multi_datastreams(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  observed_property_id INTEGER NOT NULL REFERENCES observed_properties(id) ON DELETE CASCADE,
  datastream_id INTEGER REFERENCES datastreams(id) ON DELETE SET NULL,
  PRIMARY KEY (multi_datastream_id, position)
) WITHOUT ROWID;

-- Observations. Kept lean, because this table holds tens of millions of rows (bytes per row in
-- docs/store.md): ingested rows carry the raw reading, the calibration that produced the result,
-- the QARTOD flags (packed, server/src/store/qc-flags.ts; all-pass stores as 0 bytes), the
-- sample's age at transmission (resultTime = phenomenon_time + age_s·1000, the gateway receive
-- time) and the uplink that brought them (it holds the gateway metadata). Everything else
-- SensorThings allows on an Observation lives in observation_details, for the rows that have it.
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  datastream_id INTEGER REFERENCES datastreams(id) ON DELETE CASCADE,
  phenomenon_time INTEGER NOT NULL,
  result REAL,
  raw INTEGER,
  qc INTEGER,
  age_s INTEGER,
  calibration_id INTEGER,
  uplink_id INTEGER
);
CREATE INDEX observations_by_datastream_time ON observations(datastream_id, phenomenon_time);
CREATE TABLE observation_details (
  observation_id INTEGER PRIMARY KEY REFERENCES observations(id) ON DELETE CASCADE,
  multi_datastream_id INTEGER REFERENCES multi_datastreams(id) ON DELETE CASCADE,
  phenomenon_time_end INTEGER,
  result_time INTEGER,
  result_json TEXT,
  feature_id INTEGER REFERENCES features_of_interest(id),
  parameters TEXT,
  valid_time_start INTEGER,
  valid_time_end INTEGER
);
CREATE INDEX observation_details_by_multi_datastream ON observation_details(multi_datastream_id) WHERE multi_datastream_id IS NOT NULL;
CREATE INDEX observation_details_by_feature ON observation_details(feature_id) WHERE feature_id IS NOT NULL;

-- LoRaWAN devices. Keys are stored encrypted when REEFLINK_KEY_ENCRYPTION_KEY is set (key_format
-- says how) and never leave the server through any API or log.
CREATE TABLE devices (
  id INTEGER PRIMARY KEY,
  dev_eui TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL DEFAULT '',
  thing_id INTEGER REFERENCES things(id) ON DELETE SET NULL,
  activation TEXT NOT NULL CHECK (activation IN ('abp', 'network-server')),
  dev_addr TEXT,
  nwk_s_key BLOB,
  app_s_key BLOB,
  key_format TEXT NOT NULL DEFAULT 'plain',
  network_device_id TEXT,
  relaxed_fcnt INTEGER NOT NULL DEFAULT 0,
  -- Last accepted 32-bit FCntUp of the current session (NULL: none yet) and the session number,
  -- bumped when a relaxed-counter device restarts its counter.
  fcnt_up INTEGER,
  session INTEGER NOT NULL DEFAULT 0,
  last_seen INTEGER
);
CREATE INDEX devices_by_dev_addr ON devices(dev_addr);
CREATE INDEX devices_by_network_device_id ON devices(network_device_id);
-- Which payload channel of a device feeds which sensor and datastream.
CREATE TABLE device_channels (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  channel TEXT NOT NULL,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id),
  datastream_id INTEGER REFERENCES datastreams(id) ON DELETE SET NULL,
  PRIMARY KEY (device_id, channel)
) WITHOUT ROWID;
CREATE TABLE calibrations (
  id INTEGER PRIMARY KEY,
  record_key TEXT NOT NULL UNIQUE,
  sensor_id INTEGER NOT NULL REFERENCES sensors(id) ON DELETE CASCADE,
  valid_from INTEGER NOT NULL,
  valid_until INTEGER,
  model TEXT NOT NULL,
  provenance TEXT NOT NULL
);
CREATE INDEX calibrations_by_sensor ON calibrations(sensor_id, valid_from);

-- Every accepted frame, raw, so everything can be reprocessed. Unique per device session and
-- counter: a duplicate or replay of the same frame is stored once.
CREATE TABLE uplinks (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  session INTEGER NOT NULL,
  fcnt INTEGER NOT NULL,
  f_port INTEGER,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  phy_payload BLOB,
  payload BLOB,
  receptions TEXT NOT NULL,
  dedup_id TEXT,
  decoded TEXT,
  codec_error TEXT,
  UNIQUE (device_id, session, fcnt)
);
CREATE INDEX uplinks_by_time ON uplinks(received_at);
-- Frames dropped on the way in, with the reason (mic_invalid, replay, unknown_device, …).
CREATE TABLE rejected_uplinks (
  id INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  source TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL DEFAULT '',
  device_id INTEGER,
  gateway_id TEXT,
  bytes BLOB
);
CREATE INDEX rejected_uplinks_by_time ON rejected_uplinks(received_at);
CREATE TABLE gateways (
  id INTEGER PRIMARY KEY,
  gateway_id TEXT NOT NULL UNIQUE,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  last_stat TEXT
);
-- Status uplinks, decoded.
CREATE TABLE device_status (
  uplink_id INTEGER PRIMARY KEY REFERENCES uplinks(id) ON DELETE CASCADE,
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  time INTEGER NOT NULL,
  status TEXT NOT NULL
);
CREATE INDEX device_status_by_device ON device_status(device_id, time);
-- Configuration downlinks queued for a device, and their acknowledgements.
CREATE TABLE config_downlinks (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  message TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'acknowledged', 'failed')),
  created_at INTEGER NOT NULL,
  sent_at INTEGER,
  acknowledged_at INTEGER,
  results TEXT
);
CREATE INDEX config_downlinks_by_device ON config_downlinks(device_id, state);

-- QC configuration and streaming state per datastream.
CREATE TABLE qc_configs (
  datastream_id INTEGER PRIMARY KEY REFERENCES datastreams(id) ON DELETE CASCADE,
  config TEXT NOT NULL
);
CREATE TABLE qc_states (
  datastream_id INTEGER PRIMARY KEY REFERENCES datastreams(id) ON DELETE CASCADE,
  state TEXT NOT NULL
);

-- Credentials for writes (SensorThings, provisioning); secrets stored as scrypt hashes.
CREATE TABLE api_credentials (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('read', 'write', 'admin')),
  secret_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
`,
  },
  {
    version: 2,
    description: 'SensorThings writes: client-given resultQuality of Observations',
    sql: `
-- resultQuality sent by an API client (any JSON, DQ_Element). Ingested rows keep their packed
-- QARTOD flags in observations.qc; this column is only for rows written through the API.
ALTER TABLE observation_details ADD COLUMN result_quality TEXT;
`,
  },
  {
    version: 3,
    description: 'SensorThings reads: which Datastreams have Observations with details',
    sql: `
-- A Datastream listed here may have Observations with an observation_details row; one not listed
-- has none, so SensorThings reads its Observations without joining observation_details (the
-- join costs a primary-key probe per row). Kept by triggers; a listed Datastream whose details
-- were all deleted stays listed (harmless: its reads take the joined plan).
CREATE TABLE datastreams_with_details (
  datastream_id INTEGER PRIMARY KEY REFERENCES datastreams(id) ON DELETE CASCADE
);
INSERT OR IGNORE INTO datastreams_with_details
  SELECT DISTINCT o.datastream_id FROM observation_details d JOIN observations o ON o.id = d.observation_id WHERE o.datastream_id IS NOT NULL;
CREATE TRIGGER observation_details_mark_datastream AFTER INSERT ON observation_details BEGIN
  INSERT OR IGNORE INTO datastreams_with_details
    SELECT datastream_id FROM observations WHERE id = NEW.observation_id AND datastream_id IS NOT NULL;
END;
CREATE TRIGGER observations_mark_moved_details AFTER UPDATE OF datastream_id ON observations
  WHEN NEW.datastream_id IS NOT NULL AND EXISTS (SELECT 1 FROM observation_details WHERE observation_id = NEW.id) BEGIN
  INSERT OR IGNORE INTO datastreams_with_details VALUES (NEW.datastream_id);
END;
`,
  },
  {
    version: 4,
    description: 'Class A downlinks: per-device downlink queue and persisted FCntDown',
    sql: `
-- Downlinks queued for a device (reeflink schedules them as the network server of ABP devices;
-- docs/downlinks.md). payload is the plain FRMPayload; it is encrypted at transmission with the
-- FCntDown of that transmission. state: pending (waits for an uplink), sent (handed to a
-- gateway), acked (the device acknowledged it: ACK bit for confirmed downlinks, or the fPort 3
-- configAck of a configuration), failed (reason says why; no more attempts).
CREATE TABLE downlink_queue (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  f_port INTEGER NOT NULL CHECK (f_port BETWEEN 0 AND 223),
  payload BLOB NOT NULL,
  confirmed INTEGER NOT NULL DEFAULT 0 CHECK (confirmed IN (0, 1)),
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'acked', 'failed')),
  created_at INTEGER NOT NULL,
  created_by TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER,
  acked_at INTEGER,
  fcnt_down INTEGER,
  gateway_id TEXT,
  reason TEXT,
  config_downlink_id INTEGER REFERENCES config_downlinks(id) ON DELETE SET NULL
);
CREATE INDEX downlink_queue_by_device ON downlink_queue(device_id, state, id);
-- The next FCntDown per device session (DevAddr): taken in the transaction that marks a
-- transmission, so a counter is never used twice, across restarts too.
CREATE TABLE downlink_counters (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  dev_addr TEXT NOT NULL,
  next_fcnt_down INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (device_id, dev_addr)
) WITHOUT ROWID;
-- The pipeline marks config_downlinks acknowledged when the fPort 3 configAck arrives (by seq):
-- the queue item carrying that configuration follows.
CREATE TRIGGER config_downlink_acknowledged AFTER UPDATE OF state ON config_downlinks
  WHEN NEW.state = 'acknowledged' BEGIN
  UPDATE downlink_queue SET state = 'acked', acked_at = NEW.acknowledged_at
    WHERE config_downlink_id = NEW.id AND state IN ('pending', 'sent');
END;
`,
  },
  {
    version: 5,
    description: 'OTAA devices: root keys and join state (LoRaWAN 1.0.4 joins answered by reeflink)',
    sql: `
-- A device provisioned with otaa: { joinEui, appKey } has a row here. Its current session (the
-- one its last join made) lives in its devices row like an ABP session (dev_addr, nwk_s_key,
-- app_s_key, fcnt_up reset, session bumped), so the data path needs nothing else; devices.activation
-- stays 'abp' ("reeflink checks the frames with a session it holds") because migration 1's CHECK
-- cannot be widened without rebuilding the table. docs/otaa.md.
--   app_key          the AppKey, 'plain' or 'aes-256-gcm' per key_format (AAD column 'app_key')
--   dev_addr         a DevAddr fixed by the manifest, or NULL: allocated from the configured prefix
--   last_dev_nonce   highest DevNonce accepted (1.0.4: a counter; lower or equal is a replay)
--   join_nonce       last JoinNonce sent (the next accept uses join_nonce + 1; never reused)
CREATE TABLE otaa_devices (
  device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  join_eui TEXT NOT NULL,
  app_key BLOB NOT NULL,
  key_format TEXT NOT NULL DEFAULT 'plain',
  dev_addr TEXT,
  last_dev_nonce INTEGER,
  join_nonce INTEGER NOT NULL DEFAULT 0,
  joins INTEGER NOT NULL DEFAULT 0,
  last_join_at INTEGER
);
`,
  },
]
