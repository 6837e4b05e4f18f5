// The $filter tree, as parsed (before validation against the model).

export type BinaryOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'and' | 'or' | 'add' | 'sub' | 'mul' | 'div' | 'mod'

export type Literal =
  | { k: 'lit'; type: 'number'; value: number }
  | { k: 'lit'; type: 'string'; value: string }
  | { k: 'lit'; type: 'boolean'; value: boolean }
  | { k: 'lit'; type: 'null'; value: null }
  /** Epoch milliseconds (dates are midnight UTC). */
  | { k: 'lit'; type: 'datetime'; value: number }
  /** [start, end] epoch milliseconds: `2020-01-01T00:00:00Z/2020-02-01T00:00:00Z` (FROST). */
  | { k: 'lit'; type: 'interval'; value: [number, number] }
  /** Milliseconds (duration'P1D', and times of day like 12:00:00). */
  | { k: 'lit'; type: 'duration'; value: number }
  /** A GeoJSON geometry parsed from WKT. */
  | { k: 'lit'; type: 'geometry'; value: Geometry }

export type Geometry =
  | { type: 'Point'; coordinates: number[] }
  | { type: 'LineString'; coordinates: number[][] }
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPoint'; coordinates: number[][] }
  | { type: 'MultiLineString'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] }

export type Expr =
  | Literal
  | { k: 'path'; segments: string[] }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { k: 'not'; arg: Expr }
  | { k: 'neg'; arg: Expr }
  | { k: 'in'; left: Expr; list: Expr[] }
  /** OData lambda: `Datastreams/any(d: d/name eq 'x')`; `any()` without a body: non-empty. */
  | { k: 'lambda'; op: 'any' | 'all'; path: string[]; variable: string | null; body: Expr | null }

/** One-line rendering of a tree, for tests and error messages. */
export function show(e: Expr): string {
  switch (e.k) {
    case 'lit':
      if (e.type === 'string') return `'${e.value.replaceAll("'", "''")}'`
      if (e.type === 'datetime') return new Date(e.value).toISOString()
      if (e.type === 'interval') return `${new Date(e.value[0]).toISOString()}/${new Date(e.value[1]).toISOString()}`
      if (e.type === 'duration') return `duration(${e.value}ms)`
      if (e.type === 'geometry') return `geometry(${JSON.stringify(e.value)})`
      return String(e.value)
    case 'path':
      return e.segments.join('/')
    case 'call':
      return `${e.name}(${e.args.map(show).join(', ')})`
    case 'binary':
      return `(${show(e.left)} ${e.op} ${show(e.right)})`
    case 'not':
      return `(not ${show(e.arg)})`
    case 'neg':
      return `(-${show(e.arg)})`
    case 'in':
      return `(${show(e.left)} in (${e.list.map(show).join(', ')}))`
    case 'lambda':
      return `${e.path.join('/')}/${e.op}(${e.variable === null ? '' : `${e.variable}: ${show(e.body!)}`})`
  }
}
