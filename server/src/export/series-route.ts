// GET /api/series/<id>.json: one datastream over a range as compact columns for the portal's
// chart — {"id","unit","t":[epoch s…],"v":[…],"q":[OceanSITES flag…]} — about a third of the
// bytes of SensorThings' dataArray with ISO times, and ready for uPlot without conversion.
// Streamed like the downloads: each column is written in one pass over its own cursor.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../store/database.js'
import { findDatastream } from './catalog.js'
import { iterateResultAndQc, iterateResults, iterateTimes, oceanSitesFlagOf, type RowFilter } from './observation-rows.js'
import { openReadSession } from './read-connection.js'
import { parseIdAndFormat, rangeProperties, type DownloadQuery } from './request-params.js'
import { sendStream } from './stream-reply.js'
import { parseTimeRange } from './time-range.js'

const PER_PIECE = 2000

function* column<T>(rows: Iterable<T>, value: (r: T) => string): Generator<string> {
  let piece = ''
  let n = 0
  for (const r of rows) {
    piece += (n === 0 ? '' : ',') + value(r)
    if (++n % PER_PIECE === 0) {
      yield piece
      piece = ''
    }
  }
  if (piece) yield piece
}

const num = (v: number | null) => (v === null || !Number.isFinite(v) ? 'null' : String(v))

export function registerSeriesRoute(app: FastifyInstance, db: Db): void {
  app.get(
    '/api/series/:file',
    { schema: { params: { type: 'object', properties: { file: { type: 'string', maxLength: 40 } } }, querystring: { type: 'object', properties: rangeProperties } } },
    async (req: FastifyRequest<{ Params: { file: string }; Querystring: DownloadQuery }>, reply) => {
      const { id } = parseIdAndFormat(req.params.file, ['json'] as const, 'datastream')
      const ds = findDatastream(db, id)
      const filter: RowFilter = { range: parseTimeRange(req.query, { startMs: ds.startMs, endMs: ds.endMs }), goodOnly: req.query.qc === 'good' }
      const session = openReadSession(db)
      async function* body() {
        yield `{"id":${id},"quantity":${JSON.stringify(ds.quantity)},"unit":${JSON.stringify(ds.unitSymbol)},"from":${filter.range.fromMs},"to":${filter.range.toMs},"t":[`
        yield* column(iterateTimes(session.db, id, filter), (t) => String(t / 1000))
        yield '],"v":['
        yield* column(iterateResults(session.db, id, filter), num)
        yield '],"q":['
        yield* column(iterateResultAndQc(session.db, id, filter), ([v, qc]) => String(oceanSitesFlagOf({ v, qc })))
        yield ']}'
      }
      return sendStream(reply, session, body(), { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' })
    },
  )
}
