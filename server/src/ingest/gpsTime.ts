// GPS time (milliseconds since 1980-01-06T00:00:00Z, no leap seconds) to UTC. Semtech rxpk.tmms
// is GPS time; UTC lags it by the leap seconds inserted since 1980 (18 s since 2017-01-01).
// Table: IERS Bulletin C history, as used by GPS receivers (GPS−UTC after each insertion).

export const GPS_EPOCH_MS = Date.UTC(1980, 0, 6)

/** [UTC instant the new offset applies from, GPS−UTC in seconds from then on]. */
const LEAP_SECONDS: readonly [number, number][] = [
  [Date.UTC(1981, 6, 1), 1],
  [Date.UTC(1982, 6, 1), 2],
  [Date.UTC(1983, 6, 1), 3],
  [Date.UTC(1985, 6, 1), 4],
  [Date.UTC(1988, 0, 1), 5],
  [Date.UTC(1990, 0, 1), 6],
  [Date.UTC(1991, 0, 1), 7],
  [Date.UTC(1992, 6, 1), 8],
  [Date.UTC(1993, 6, 1), 9],
  [Date.UTC(1994, 6, 1), 10],
  [Date.UTC(1996, 0, 1), 11],
  [Date.UTC(1997, 6, 1), 12],
  [Date.UTC(1999, 0, 1), 13],
  [Date.UTC(2006, 0, 1), 14],
  [Date.UTC(2009, 0, 1), 15],
  [Date.UTC(2012, 6, 1), 16],
  [Date.UTC(2015, 6, 1), 17],
  [Date.UTC(2017, 0, 1), 18],
]

/** UTC epoch milliseconds of a GPS time in milliseconds since the GPS epoch. */
export function utcMsFromGpsMs(gpsMs: number): number {
  const naive = GPS_EPOCH_MS + gpsMs
  let offsetS = 0
  // Compare in GPS scale: an insertion at UTC instant t happens at GPS instant t + new offset − 1.
  for (const [utcMs, gpsMinusUtcS] of LEAP_SECONDS) {
    if (naive >= utcMs + (gpsMinusUtcS - 1) * 1000) offsetS = gpsMinusUtcS
  }
  return naive - offsetS * 1000
}

/** GPS milliseconds since the GPS epoch of a UTC epoch-milliseconds instant (inverse of the above). */
export function gpsMsFromUtcMs(utcMs: number): number {
  let offsetS = 0
  for (const [fromUtcMs, gpsMinusUtcS] of LEAP_SECONDS) {
    if (utcMs >= fromUtcMs) offsetS = gpsMinusUtcS
  }
  return utcMs - GPS_EPOCH_MS + offsetS * 1000
}
