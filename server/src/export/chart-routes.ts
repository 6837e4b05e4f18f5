// GET /api/chart/<datastream id>.<svg|png>?from=&to=&width=&height=&qc= : a chart image of one
// series over a range, rendered on the server (like ReefTEMPS' graph service) for pages, mails
// and reports that cannot run the portal's interactive chart.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../store/database.js'
import { findDatastream, stationOfThing } from './catalog.js'
import { svgToPng } from './chart-png.js'
import { plotWidth, renderChartSvg } from './chart-svg.js'
import { decimateMinMax } from './decimate.js'
import { iterateRows, rowStats, type RowFilter } from './observation-rows.js'
import { openReadSession } from './read-connection.js'
import { parseIdAndFormat, rangeProperties } from './request-params.js'
import { parseTimeRange } from './time-range.js'

interface ChartQuery {
  from?: string
  to?: string
  qc?: 'all' | 'good'
  width: number
  height: number
}

const querySchema = {
  type: 'object',
  properties: {
    ...rangeProperties,
    width: { type: 'integer', minimum: 200, maximum: 4000, default: 800 },
    height: { type: 'integer', minimum: 120, maximum: 2000, default: 400 },
  },
} as const

/** Samples further apart than this many typical steps are left unjoined (a visible gap). */
const GAP_STEPS = 6

export function registerChartRoutes(app: FastifyInstance, db: Db): void {
  app.get(
    '/api/chart/:file',
    { schema: { params: { type: 'object', properties: { file: { type: 'string', maxLength: 40 } } }, querystring: querySchema } },
    async (req: FastifyRequest<{ Params: { file: string }; Querystring: ChartQuery }>, reply) => {
      const { id, format } = parseIdAndFormat(req.params.file, ['svg', 'png'] as const, 'datastream')
      const ds = findDatastream(db, id)
      const station = stationOfThing(db, ds.thingId)
      const q = req.query
      const filter: RowFilter = { range: parseTimeRange(q, { startMs: ds.startMs, endMs: ds.endMs }), goodOnly: q.qc === 'good' }
      const session = openReadSession(db)
      let svg: string
      try {
        const stats = rowStats(session.db, [id], filter)
        const step = stats.count > 1 ? (stats.lastMs! - stats.firstMs!) / (stats.count - 1) : Infinity
        const columns = decimateMinMax(iterateRows(session.db, id, filter), {
          fromMs: filter.range.fromMs,
          toMs: filter.range.toMs,
          width: plotWidth(q.width),
          gapMs: GAP_STEPS * step,
        })
        const quantity = ds.quantity ?? ds.name
        svg = renderChartSvg({
          title: `${station.code} · ${station.name} · ${quantity}${q.qc === 'good' ? ' (good data only)' : ''}`,
          yLabel: ds.unitSymbol ? `${quantity} (${ds.unitSymbol})` : quantity,
          fromMs: filter.range.fromMs,
          toMs: filter.range.toMs,
          width: q.width,
          height: q.height,
          columns,
        })
      } finally {
        session.release()
      }
      reply.header('cache-control', 'public, max-age=60')
      if (format === 'svg') return reply.type('image/svg+xml; charset=utf-8').send(svg)
      return reply.type('image/png').send(svgToPng(svg))
    },
  )
}
