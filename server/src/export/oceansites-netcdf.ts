// OceanSITES 1.4 time-series NetCDF (classic format) of a station or one of its datastreams:
// the header (CF-1.6 / OceanSITES-1.4 / ACDD-1.3 attributes, TIME, DEPTH, LATITUDE, LONGITUDE,
// <PARAM> and <PARAM>_QC) and the records streamed in chunks through the project's writer.
// TIME is the UNLIMITED dimension: the row count is known before the header goes out (the
// caller counts first), and records are appended as the database cursor yields them.
import { isoSeconds, ncDouble, ncFloat, ncText, oceanSitesDays, oceanSitesParameterAttributes, oceanSitesQcAttributes, oceanSitesTimeVariable } from '@reeflink/simulator/netcdf'
import type { NcAttributeSpec, NcFileSpec, NcRecordChunk, NcVariableSpec } from '@reeflink/simulator/netcdf'
import type { DatastreamInfo, StationInfo } from './catalog.js'
import { oceanSitesFlagOf, type MergedRow } from './observation-rows.js'
import { FILL_FLOAT, FLAG_MEANINGS, FLAG_VALUES, MISSING_QC, OCEANSITES_PARAMETERS } from './oceansites-variables.js'

const RECORDS_PER_CHUNK = 4096

const text = ncText
const float = ncFloat
const double = ncDouble

export interface NetcdfRequest {
  station: StationInfo
  /** The datastreams written, each with an OceanSITES parameter code as quantity. */
  datastreams: DatastreamInfo[]
  records: number
  /** First and last time actually written (null when there are no records). */
  firstMs: number | null
  lastMs: number | null
  goodOnly: boolean
  /** The request URL, for the history attribute. */
  url: string
  nowMs: number
}

/** OS_<platform>_<first day>-<last day>_R_<content>.nc, OceanSITES file naming with the range as deployment. */
export function oceanSitesFileName(r: Pick<NetcdfRequest, 'station' | 'datastreams' | 'firstMs' | 'lastMs'>): string {
  const day = (ms: number | null) => (ms === null ? 'empty' : new Date(ms).toISOString().slice(0, 10).replace(/-/g, ''))
  const codes = r.datastreams.map((d) => d.quantity)
  const content = codes.includes('CNDC') || codes.includes('PSAL') ? 'CTD' : codes.length === 1 ? codes[0] : 'TP'
  return `OS_${r.station.code}_${day(r.firstMs)}-${day(r.lastMs)}_R_${content}.nc`
}

function globalAttributes(r: NetcdfRequest): NcAttributeSpec[] {
  const s = r.station
  const codes = r.datastreams.map((d) => d.quantity).join(', ')
  const created = isoSeconds(r.nowMs)
  const attrs: NcAttributeSpec[] = [
    text('data_type', 'OceanSITES time-series data'),
    text('format_version', '1.4'),
    text('Conventions', 'CF-1.6 OceanSITES-1.4 ACDD-1.3'),
    text('featureType', 'timeSeries'),
    text('cdm_data_type', 'Station'),
    text('id', oceanSitesFileName(r).replace(/\.nc$/, '')),
    text('naming_authority', 'OceanSITES'),
    text('platform_code', s.code),
    text('site_code', s.code),
    // Real-time: calibrated and QARTOD-checked automatically as received, not yet reviewed.
    text('data_mode', 'R'),
    text('title', `${s.network ?? 'reeflink'} station ${s.code} (${s.name}): ${codes}`),
    text(
      'summary',
      `Time series of ${codes} at ${s.name}` +
        (s.depthM !== null ? `, nominal depth ${s.depthM} m` : '') +
        ', received over LoRaWAN, calibrated and quality-controlled in real time (QARTOD tests, flags mapped to OceanSITES reference table 2)' +
        (r.goodOnly ? '. Only values flagged good are included.' : '.'),
    ),
    text('source', 'subsurface mooring'),
    text('institution', s.producer ?? ''),
    text('network', s.network ?? ''),
    text('project', s.network ?? 'reeflink'),
    text('citation', s.citation ?? `${s.network ?? 'reeflink'} station ${s.code}`),
    text('license', s.license ?? ''),
    text('qc_manual', 'OceanSITES User Manual 1.4, reference table 2; QARTOD flags mapped as in reeflink docs/qc.md'),
    text('processing_level', 'Data calibrated and automatically quality controlled (QARTOD), not reviewed'),
    text('area', 'South Pacific Ocean'),
    text('time_coverage_start', r.firstMs === null ? '' : isoSeconds(r.firstMs)),
    text('time_coverage_end', r.lastMs === null ? '' : isoSeconds(r.lastMs)),
    text('date_created', created),
    text('date_modified', created),
    text('history', `${created} exported by reeflink from ${r.url}`),
    text('update_interval', 'void'),
    text('geospatial_lat_units', 'degree_north'),
    text('geospatial_lon_units', 'degree_east'),
    text('geospatial_vertical_positive', 'down'),
    text('geospatial_vertical_units', 'meter'),
  ]
  if (s.doi) attrs.push(text('doi', s.doi), text('references', `https://doi.org/${s.doi}`))
  if (s.latitude !== null) attrs.push(float('geospatial_lat_min', s.latitude), float('geospatial_lat_max', s.latitude))
  if (s.longitude !== null) attrs.push(float('geospatial_lon_min', s.longitude), float('geospatial_lon_max', s.longitude))
  if (s.depthM !== null) attrs.push(float('geospatial_vertical_min', s.depthM), float('geospatial_vertical_max', s.depthM), text('platform_deployment_depth', String(s.depthM)))
  return attrs
}

function parameterVariables(code: string): NcVariableSpec[] {
  const p = OCEANSITES_PARAMETERS[code as keyof typeof OCEANSITES_PARAMETERS]
  return [
    {
      name: code,
      type: 'float',
      dimensions: ['TIME', 'DEPTH'],
      attributes: [
        ...oceanSitesParameterAttributes(p),
        text('coordinates', 'TIME DEPTH LATITUDE LONGITUDE'),
        text('ancillary_variables', `${code}_QC`),
        // R: real-time data, the same as the file's data_mode.
        text('DM_indicator', 'R'),
      ],
    },
    {
      name: `${code}_QC`,
      type: 'byte',
      dimensions: ['TIME', 'DEPTH'],
      attributes: [
        ...oceanSitesQcAttributes(code),
        { name: 'flag_values', type: 'byte', value: FLAG_VALUES },
        text('flag_meanings', FLAG_MEANINGS),
      ],
    },
  ]
}

export function oceanSitesSpec(r: NetcdfRequest): NcFileSpec {
  const s = r.station
  return {
    dimensions: [
      { name: 'TIME', size: 'unlimited' },
      { name: 'DEPTH', size: 1 },
      { name: 'LATITUDE', size: 1 },
      { name: 'LONGITUDE', size: 1 },
    ],
    attributes: globalAttributes(r),
    variables: [
      oceanSitesTimeVariable(),
      {
        name: 'DEPTH',
        type: 'float',
        dimensions: ['DEPTH'],
        attributes: [
          text('standard_name', 'depth'),
          text('long_name', 'nominal depth of the sensor'),
          text('units', 'meter'),
          text('positive', 'down'),
          text('axis', 'Z'),
          float('_FillValue', FILL_FLOAT),
          text('reference', 'sea_level'),
          text('coordinate_reference_frame', 'urn:ogc:crs:EPSG::5831'),
        ],
        data: [s.depthM ?? NaN],
      },
      {
        name: 'LATITUDE',
        type: 'float',
        dimensions: ['LATITUDE'],
        attributes: [
          text('standard_name', 'latitude'),
          text('long_name', 'latitude of the station'),
          text('units', 'degree_north'),
          text('axis', 'Y'),
          float('_FillValue', FILL_FLOAT),
          float('valid_min', -90),
          float('valid_max', 90),
          text('reference', 'WGS84'),
          text('coordinate_reference_frame', 'urn:ogc:crs:EPSG::4326'),
        ],
        data: [s.latitude ?? NaN],
      },
      {
        name: 'LONGITUDE',
        type: 'float',
        dimensions: ['LONGITUDE'],
        attributes: [
          text('standard_name', 'longitude'),
          text('long_name', 'longitude of the station'),
          text('units', 'degree_east'),
          text('axis', 'X'),
          float('_FillValue', FILL_FLOAT),
          float('valid_min', -180),
          float('valid_max', 180),
          text('reference', 'WGS84'),
          text('coordinate_reference_frame', 'urn:ogc:crs:EPSG::4326'),
        ],
        data: [s.longitude ?? NaN],
      },
      ...r.datastreams.flatMap((d) => parameterVariables(d.quantity!)),
    ],
  }
}

/**
 * Record chunks for the writer: TIME in days since 1950, values as float (NaN is written as the
 * fill value) and the OceanSITES flag; a quantity without a sample at a time gets fill and 9.
 */
export function* netcdfRecordChunks(datastreams: DatastreamInfo[], rows: Iterable<MergedRow>): Generator<NcRecordChunk> {
  const codes = datastreams.map((d) => d.quantity!)
  const fresh = () => ({
    time: new Float64Array(RECORDS_PER_CHUNK),
    values: codes.map(() => new Float32Array(RECORDS_PER_CHUNK)),
    flags: codes.map(() => new Int8Array(RECORDS_PER_CHUNK)),
  })
  let buf = fresh()
  let n = 0
  const emit = (count: number): NcRecordChunk => {
    const chunk: Record<string, Float64Array | Float32Array | Int8Array> = { TIME: buf.time.subarray(0, count) }
    codes.forEach((c, i) => {
      chunk[c] = buf.values[i]!.subarray(0, count)
      chunk[`${c}_QC`] = buf.flags[i]!.subarray(0, count)
    })
    return chunk
  }
  for (const r of rows) {
    buf.time[n] = oceanSitesDays(r.t)
    r.cells.forEach((cell, i) => {
      buf.values[i]![n] = cell && cell.v !== null ? cell.v : NaN
      buf.flags[i]![n] = cell ? oceanSitesFlagOf(cell) : MISSING_QC
    })
    if (++n === RECORDS_PER_CHUNK) {
      yield emit(n)
      buf = fresh()
      n = 0
    }
  }
  if (n > 0) yield emit(n)
}
