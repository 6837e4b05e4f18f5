/**
 * @reeflink/simulator/netcdf — reading OceanSITES / IMOS station time series
 * from NetCDF classic and 64-bit offset files, and writing NetCDF classic
 * files as a stream. See docs/netcdf.md.
 */
export { NetcdfError, isNetcdfError, type NetcdfErrorCode } from './errors.js';
export type { NcFormat, NcNumericType, NcType } from './classic-format.js';
export type { NcAttribute, NcDimensionInfo, NcVariableInfo } from './model.js';

export {
  PARAMETER_CODES,
  type AttributeValue,
  type OceanTimeSeries,
  type ParameterCode,
  type ParameterLevel,
  type ParameterSeries,
  type StationMetadata,
} from './time-series.js';
export { readTimeSeries, readTimeSeriesFile, type ReadTimeSeriesOptions } from './reader/read-time-series.js';
export { openClassicFile, type ClassicFile } from './reader/classic-file.js';
export { sniffFormat, type SniffedFormat } from './reader/sniff-format.js';
export { parseCfTimeUnits, cfTimesToEpochMs, type CfTimeUnits } from './reader/cf-time.js';
export { DEFAULT_BAD_QC_FLAGS, MISSING_QC_FLAG, type QcConvention } from './reader/qc-flags.js';
export { recordChunks, type TimeSeriesChunk } from './reader/record-chunks.js';

export type {
  NcAttributeSpec,
  NcDimensionSpec,
  NcFileSpec,
  NcRecordChunk,
  NcValues,
  NcVariableSpec,
} from './writer/file-spec.js';
export { NetcdfEncoder, type NetcdfEncoderOptions } from './writer/netcdf-encoder.js';
export { encodeNetcdf, writeNetcdf, writeNetcdfFile, type RecordSource } from './writer/write-netcdf.js';
export {
  isoSeconds,
  ncDouble,
  ncFloat,
  ncText,
  OCEANSITES_FILL_FLOAT,
  OCEANSITES_FILL_QC,
  OCEANSITES_PARAMETERS,
  oceanSitesDays,
  oceanSitesParameterAttributes,
  oceanSitesQcAttributes,
  oceanSitesTimeVariable,
  type OceanSitesParameter,
} from './oceansites.js';
