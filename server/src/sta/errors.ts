// The SensorThings error catalogue: a stable code, an HTTP status and a message that names the
// bad input (path segment, property, function, query option). Documented in docs/sensorthings.md.

export const STA_ERRORS = {
  STA_UNKNOWN_ENTITY_SET: 400,
  STA_UNKNOWN_PATH_SEGMENT: 400,
  STA_BAD_PATH: 400,
  STA_BAD_ID: 400,
  STA_NOT_FOUND: 404,
  STA_UNKNOWN_QUERY_OPTION: 400,
  STA_BAD_QUERY_OPTION: 400,
  STA_UNKNOWN_PROPERTY: 400,
  STA_UNKNOWN_NAVIGATION: 400,
  STA_UNKNOWN_FUNCTION: 400,
  STA_FILTER_SYNTAX: 400,
  STA_FILTER_TYPE: 400,
  STA_BAD_LITERAL: 400,
  STA_BAD_RESULT_FORMAT: 400,
  STA_NOT_IMPLEMENTED: 501,
  STA_QUERY_FAILED: 400,
  // Resource limits (docs/security.md): a read over http.queryTimeoutMs; a response over
  // http.maxResponseBytes that cannot end early with a nextLink.
  STA_QUERY_TIMEOUT: 503,
  STA_RESPONSE_TOO_LARGE: 400,
  // Writes.
  STA_BAD_ENTITY: 400,
  STA_MISSING_PROPERTY: 400,
  STA_BAD_VALUE: 400,
  STA_LINK_NOT_FOUND: 400,
  STA_NO_FEATURE_OF_INTEREST: 400,
  STA_BAD_PATCH: 400,
  STA_PATCH_TEST_FAILED: 409,
  STA_CONFLICT: 409,
  STA_METHOD_NOT_ALLOWED: 405,
  STA_UNSUPPORTED_MEDIA_TYPE: 415,
  STA_BAD_BATCH: 400,
} as const

export type StaErrorCode = keyof typeof STA_ERRORS

export class StaError extends Error {
  readonly statusCode: number
  constructor(
    readonly code: StaErrorCode,
    message: string,
  ) {
    super(message)
    this.statusCode = STA_ERRORS[code]
  }
}

export const isStaError = (e: unknown): e is StaError => e instanceof StaError

const REASON: Record<number, string> = { 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 415: 'Unsupported Media Type', 501: 'Not Implemented', 503: 'Service Unavailable' }

/** JSON body of an error response, fastify-style. */
export function errorBody(e: StaError): { statusCode: number; code: StaErrorCode; error: string; message: string } {
  const error = REASON[e.statusCode] ?? 'Bad Request'
  return { statusCode: e.statusCode, code: e.code, error, message: e.message }
}
