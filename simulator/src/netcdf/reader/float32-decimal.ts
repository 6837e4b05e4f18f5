/**
 * The shortest decimal that rounds to the same float32, as ncdump prints it:
 * a float attribute 0.001f reads as 0.001, not 0.0010000000474974513. Used
 * for attributes and metadata (few values); bulk data keeps the exact
 * widened float32 value, which is cheaper and loses nothing.
 */
export function shortestFloat32Decimal(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const f = Math.fround(x);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(f.toPrecision(digits));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}
