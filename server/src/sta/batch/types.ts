// Batch requests in either format, parsed into one shape.
export interface SubRequest {
  /** Content-ID (multipart) or id (JSON batch): later requests refer to its result as $id. */
  id?: string
  method: string
  url: string
  headers: Record<string, string>
  /** Text (multipart) or parsed JSON (JSON batch). */
  body: unknown
}

export type BatchItem = { kind: 'single'; request: SubRequest } | { kind: 'changeset'; requests: SubRequest[] }

export interface SubResponse {
  status: number
  location?: string
  contentType?: string
  body?: unknown
}
