// @reeflink/server/export — downloads, charts, live feed and the portal's static files.
export { exportPlugin, type ExportPluginOptions } from './export-plugin.js'
export { portalPlugin, type PortalPluginOptions } from './portal-plugin.js'
export { EXPORT_ERRORS, ExportError, type ExportErrorCode } from './errors.js'
export { renderChartSvg, type ChartInput } from './chart-svg.js'
export { decimateMinMax, type DecimatedColumn } from './decimate.js'
