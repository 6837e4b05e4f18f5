// The export routes' error catalogue: stable codes, an HTTP status and a message naming the bad
// input. Everything a client can get wrong is a 4xx with a reason; only our own bugs are 500s.
export const EXPORT_ERRORS = {
  EXPORT_BAD_TIME: 400,
  EXPORT_BAD_RANGE: 400,
  EXPORT_BAD_PARAMETER: 400,
  EXPORT_NOT_NETCDF: 400,
  EXPORT_DATASTREAM_NOT_FOUND: 404,
  EXPORT_STATION_NOT_FOUND: 404,
  EXPORT_TOO_MANY_CLIENTS: 503,
} as const

export type ExportErrorCode = keyof typeof EXPORT_ERRORS

export class ExportError extends Error {
  readonly status: number
  constructor(
    readonly code: ExportErrorCode,
    message: string,
  ) {
    super(message)
    this.status = EXPORT_ERRORS[code]
  }
}

export function isExportError(e: unknown): e is ExportError {
  return e instanceof ExportError
}

export function errorBody(e: ExportError): { error: { code: string; message: string } } {
  return { error: { code: e.code, message: e.message } }
}
