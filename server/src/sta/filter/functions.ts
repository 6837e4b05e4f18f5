// The $filter functions of SensorThings (OGC 18-088 §9.3.3.5.2, table 25), plus FROST's temporal
// relations (before, after, meets, during, overlaps, starts, finishes): name, argument
// types, result type and how each compiles to SQLite. Times are epoch ms; geometry arguments
// are GeoJSON text, handled by the functions geo-sql.ts registers on the connection.
import type { ValueType } from '../model.js'

export interface FunctionDef {
  name: string
  args: ValueType[]
  /** Optional trailing arguments. */
  optional?: number
  /** `sql` receives [start, end] of every argument (intervals; end = start for instants). */
  spans?: boolean
  /** Arguments that must be intervals (a date-time is refused, as FROST does for `during`). */
  intervalOnly?: number[]
  returns: ValueType
  sql: (a: string[]) => string
}

/** The clock in SQL (now()): plans holding it are not cached across requests (response-cache.ts). */
export const CLOCK_SQL = "unixepoch('subsec')"

const part = (fmt: string) => (a: string[]) => `CAST(strftime('${fmt}', ${a[0]} / 1000, 'unixepoch') AS INTEGER)`
const geo = (name: string) => (a: string[]) => `sta_${name}(${a.join(', ')})`

function temporal(name: string, sql: (as: string, ae: string, bs: string, be: string) => string, intervalOnly?: number[]): FunctionDef[] {
  return [{ name, args: ['interval', 'interval'], spans: true, intervalOnly, returns: 'boolean', sql: (a) => sql(a[0], a[1], a[2], a[3]) }]
}

const DEFS: FunctionDef[] = [
  // Strings. instr/substr are case-sensitive, like OData.
  { name: 'substringof', args: ['string', 'string'], returns: 'boolean', sql: (a) => `(instr(${a[1]}, ${a[0]}) > 0)` },
  { name: 'contains', args: ['string', 'string'], returns: 'boolean', sql: (a) => `(instr(${a[0]}, ${a[1]}) > 0)` },
  { name: 'endswith', args: ['string', 'string'], returns: 'boolean', sql: (a) => `(length(${a[1]}) = 0 OR substr(${a[0]}, -length(${a[1]})) = ${a[1]})` },
  { name: 'startswith', args: ['string', 'string'], returns: 'boolean', sql: (a) => `(substr(${a[0]}, 1, length(${a[1]})) = ${a[1]})` },
  { name: 'length', args: ['string'], returns: 'number', sql: (a) => `length(${a[0]})` },
  { name: 'indexof', args: ['string', 'string'], returns: 'number', sql: (a) => `(instr(${a[0]}, ${a[1]}) - 1)` },
  {
    name: 'substring',
    args: ['string', 'number', 'number'],
    optional: 1,
    returns: 'string',
    sql: (a) => (a.length === 3 ? `substr(${a[0]}, (${a[1]}) + 1, ${a[2]})` : `substr(${a[0]}, (${a[1]}) + 1)`),
  },
  { name: 'tolower', args: ['string'], returns: 'string', sql: (a) => `lower(${a[0]})` },
  { name: 'toupper', args: ['string'], returns: 'string', sql: (a) => `upper(${a[0]})` },
  { name: 'trim', args: ['string'], returns: 'string', sql: (a) => `trim(${a[0]})` },
  { name: 'concat', args: ['string', 'string'], returns: 'string', sql: (a) => `(${a[0]} || ${a[1]})` },
  // Date and time (UTC: the store keeps epoch ms).
  { name: 'year', args: ['datetime'], returns: 'number', sql: part('%Y') },
  { name: 'month', args: ['datetime'], returns: 'number', sql: part('%m') },
  { name: 'day', args: ['datetime'], returns: 'number', sql: part('%d') },
  { name: 'hour', args: ['datetime'], returns: 'number', sql: part('%H') },
  { name: 'minute', args: ['datetime'], returns: 'number', sql: part('%M') },
  { name: 'second', args: ['datetime'], returns: 'number', sql: part('%S') },
  { name: 'fractionalseconds', args: ['datetime'], returns: 'number', sql: (a) => `((${a[0]} % 1000) / 1000.0)` },
  { name: 'date', args: ['datetime'], returns: 'datetime', sql: (a) => `((${a[0]}) - ((${a[0]}) % 86400000))` },
  { name: 'time', args: ['datetime'], returns: 'duration', sql: (a) => `((${a[0]}) % 86400000)` },
  { name: 'totaloffsetminutes', args: ['datetime'], returns: 'number', sql: (a) => `(CASE WHEN ${a[0]} IS NULL THEN NULL ELSE 0 END)` },
  { name: 'now', args: [], returns: 'datetime', sql: () => `CAST(${CLOCK_SQL} * 1000 AS INTEGER)` },
  { name: 'mindatetime', args: ['interval'], spans: true, returns: 'datetime', sql: (a) => a[0] },
  { name: 'maxdatetime', args: ['interval'], spans: true, returns: 'datetime', sql: (a) => a[1] },
  // Temporal relations (FROST-Server's extension, after the time functions proposed for the
  // SensorThings API; not in OGC 18-088). Arguments are instants or intervals, an interval
  // [start, end) half open, an instant one point: a = [as, ae], b = [bs, be], ae = as for an
  // instant. Each keeps a bare comparison on `as` so that the time index can serve it.
  ...temporal('before', (as, ae, bs) => `(${as} < ${bs} AND ${ae} <= ${bs})`),
  ...temporal('after', (as, _ae, bs, be) => `(${as} > ${bs} AND ${as} >= ${be})`),
  ...temporal('meets', (as, ae, bs, be) => `(${ae} = ${bs} OR ${as} = ${be})`),
  ...temporal('during', (as, ae, bs, be) => `(${as} >= ${bs} AND ${ae} <= ${be} AND (${as} < ${be} OR ${as} < ${ae}))`, [1]),
  ...temporal('overlaps', (as, ae, bs, be) => `((${as} < ${be} AND ${bs} < ${ae}) OR ${as} = ${bs})`),
  ...temporal('starts', (as, _ae, bs) => `(${as} = ${bs})`),
  ...temporal('finishes', (_as, ae, _bs, be) => `(${ae} = ${be})`),
  // Math.
  { name: 'round', args: ['number'], returns: 'number', sql: (a) => `round(${a[0]})` },
  { name: 'floor', args: ['number'], returns: 'number', sql: (a) => `floor(${a[0]})` },
  { name: 'ceiling', args: ['number'], returns: 'number', sql: (a) => `ceiling(${a[0]})` },
  // Geospatial (planar, in the coordinates' own units, as FROST/PostGIS geometry does).
  { name: 'geo.distance', args: ['geometry', 'geometry'], returns: 'number', sql: geo('distance') },
  { name: 'geo.length', args: ['geometry'], returns: 'number', sql: geo('length') },
  { name: 'geo.intersects', args: ['geometry', 'geometry'], returns: 'boolean', sql: geo('intersects') },
  ...['equals', 'disjoint', 'touches', 'within', 'overlaps', 'crosses', 'intersects', 'contains'].map(
    (p): FunctionDef => ({ name: `st_${p}`, args: ['geometry', 'geometry'], returns: 'boolean', sql: geo(p) }),
  ),
  { name: 'st_relate', args: ['geometry', 'geometry', 'string'], returns: 'boolean', sql: geo('relate') },
]

export const FUNCTIONS = new Map(DEFS.map((d) => [d.name, d]))
