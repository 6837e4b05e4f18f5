// GET /api/download/datastreams/<id>.<csv|nc> and /api/download/stations/<code>.<csv|nc>:
// a time range of one series or of a station's quantities, streamed from a private snapshot.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { encodeNetcdf, NetcdfEncoder } from '@reeflink/simulator/netcdf'
import type { Db } from '../store/database.js'
import { findDatastream, findStation, stationOfThing, type DatastreamInfo, type StationInfo } from './catalog.js'
import { datastreamCsv, stationCsv, type CsvOptions } from './csv.js'
import { ExportError } from './errors.js'
import { iterateRows, rowStats, stationRows, type RowFilter } from './observation-rows.js'
import { isOceanSitesParameter } from './oceansites-variables.js'
import { netcdfRecordChunks, oceanSitesFileName, oceanSitesSpec } from './oceansites-netcdf.js'
import { openReadSession } from './read-connection.js'
import { downloadQuerySchema, parseCodeAndFormat, parseIdAndFormat, rangeSlug, type DownloadQuery } from './request-params.js'
import { attachment, sendStream } from './stream-reply.js'
import { parseTimeRange } from './time-range.js'

const FORMATS = ['csv', 'nc'] as const
type Req = FastifyRequest<{ Params: { file: string }; Querystring: DownloadQuery }>

const fileSchema = { type: 'object', properties: { file: { type: 'string', maxLength: 120 } }, required: ['file'] } as const

function csvOptions(q: DownloadQuery): CsvOptions {
  return { raw: q.raw === true, excel: q.excel === true }
}

function extentOf(datastreams: DatastreamInfo[]): { startMs: number | null; endMs: number | null } {
  const starts = datastreams.map((d) => d.startMs).filter((t): t is number => t !== null)
  const ends = datastreams.map((d) => d.endMs).filter((t): t is number => t !== null)
  return { startMs: starts.length ? Math.min(...starts) : null, endMs: ends.length ? Math.max(...ends) : null }
}

function filterOf(q: DownloadQuery, datastreams: DatastreamInfo[]): RowFilter {
  return { range: parseTimeRange(q, extentOf(datastreams)), goodOnly: q.qc === 'good' }
}

function sendNetcdf(db: Db, req: Req, reply: FastifyReply, station: StationInfo, datastreams: DatastreamInfo[], filter: RowFilter): FastifyReply {
  const session = openReadSession(db)
  try {
    const ids = datastreams.map((d) => d.id)
    const stats = rowStats(session.db, ids, filter)
    const spec = oceanSitesSpec({ station, datastreams, records: stats.count, firstMs: stats.firstMs, lastMs: stats.lastMs, goodOnly: filter.goodOnly, url: req.url, nowMs: Date.now() })
    const bytes = new NetcdfEncoder(spec, { numRecords: stats.count }).byteLength
    const pieces = encodeNetcdf(spec, { numRecords: stats.count }, netcdfRecordChunks(datastreams, stationRows(session.db, ids, filter)))
    return sendStream(reply, session, pieces, {
      'content-type': 'application/x-netcdf',
      'content-length': bytes,
      'content-disposition': attachment(oceanSitesFileName({ station, datastreams, firstMs: stats.firstMs, lastMs: stats.lastMs })),
    })
  } catch (e) {
    session.release()
    throw e
  }
}

function csvHeaders(name: string): Record<string, string> {
  return { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': attachment(name) }
}

export function registerDownloadRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/download/datastreams/:file', { schema: { params: fileSchema, querystring: downloadQuerySchema } }, async (req: Req, reply) => {
    const { id, format } = parseIdAndFormat(req.params.file, FORMATS, 'datastream')
    const ds = findDatastream(db, id)
    const filter = filterOf(req.query, [ds])
    const station = stationOfThing(db, ds.thingId)
    if (format === 'nc') {
      if (!isOceanSitesParameter(ds.quantity)) {
        throw new ExportError('EXPORT_NOT_NETCDF', `Datastream ${id} (${ds.quantity ?? 'no quantity'}) has no OceanSITES variable (TEMP, PSAL, CNDC, PRES); download it as CSV`)
      }
      return sendNetcdf(db, req, reply, station, [ds], filter)
    }
    const session = openReadSession(db)
    const name = `${station.code}_${ds.quantity ?? `datastream${ds.id}`}_${rangeSlug(filter.range.fromMs)}_${rangeSlug(filter.range.toMs)}.csv`
    return sendStream(reply, session, datastreamCsv(ds, iterateRows(session.db, ds.id, filter), csvOptions(req.query)), csvHeaders(name))
  })

  app.get('/api/download/stations/:file', { schema: { params: fileSchema, querystring: downloadQuerySchema } }, async (req: Req, reply) => {
    const { code, format } = parseCodeAndFormat(req.params.file, FORMATS)
    const station = findStation(db, code)
    if (format === 'nc') {
      const datastreams = station.datastreams.filter((d) => isOceanSitesParameter(d.quantity))
      if (!datastreams.length) throw new ExportError('EXPORT_NOT_NETCDF', `station ${code} has no TEMP, PSAL, CNDC or PRES datastream; download it as CSV`)
      return sendNetcdf(db, req, reply, station, datastreams, filterOf(req.query, datastreams))
    }
    const datastreams = station.datastreams
    const filter = filterOf(req.query, datastreams)
    const session = openReadSession(db)
    const rows = stationRows(
      session.db,
      datastreams.map((d) => d.id),
      filter,
    )
    const name = `${station.code}_${rangeSlug(filter.range.fromMs)}_${rangeSlug(filter.range.toMs)}.csv`
    return sendStream(reply, session, stationCsv(datastreams, rows, csvOptions(req.query)), csvHeaders(name))
  })
}
