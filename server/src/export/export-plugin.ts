// exportPlugin: downloads (CSV, OceanSITES NetCDF), chart images, the portal's compact series
// and the live feed, under /api. Register it encapsulated (not through fastify-plugin) so its
// error handler only answers for its own routes:
//   app.register(exportPlugin, { db, events })
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EntityEvents } from '../events.js'
import type { Db } from '../store/database.js'
import { registerChartRoutes } from './chart-routes.js'
import { registerDownloadRoutes } from './download-routes.js'
import { errorBody, isExportError } from './errors.js'
import { registerLiveRoute, type LiveOptions } from './live-route.js'
import { registerSeriesRoute } from './series-route.js'

export interface ExportPluginOptions {
  db: Db
  /** The change bus ingest emits on; without it /api/live answers 404. */
  events?: EntityEvents
  live?: LiveOptions
}

export async function exportPlugin(app: FastifyInstance, opts: ExportPluginOptions): Promise<void> {
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    if (isExportError(err)) return reply.status(err.status).send(errorBody(err))
    if (err.validation) {
      return reply.status(400).send({ error: { code: 'EXPORT_BAD_PARAMETER', message: `${err.validationContext ?? 'request'} ${err.message}` } })
    }
    req.log.error({ err }, 'export route failed')
    return reply.status(500).send({ error: { code: 'EXPORT_INTERNAL', message: 'internal error; see the server log' } })
  })
  registerDownloadRoutes(app, opts.db)
  registerChartRoutes(app, opts.db)
  registerSeriesRoute(app, opts.db)
  if (opts.events) registerLiveRoute(app, opts.db, opts.events, opts.live)
}
