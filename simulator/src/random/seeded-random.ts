// Deterministic random streams. Every consumer (a station's weather, a buoy's sensor faults, a
// gateway's shadowing) gets its own stream derived from the run seed and a label, so adding a
// buoy or a fault never changes the numbers another part of the run draws.

export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (mean 0, standard deviation 1). */
  gauss(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number;
}

/** FNV-1a over the UTF-16 code units, then a murmur3 finaliser: a well-mixed 32-bit hash. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A random stream for `seed` and the labels naming its consumer, e.g.
 * `seededRandom(7, 'buoy', 'amedee-lagoon', 'spikes')`. sfc32 seeded through splitmix32:
 * small, fast, and identical on every platform.
 */
export function seededRandom(seed: number | string, ...labels: (string | number)[]): Random {
  let s = hash32([String(seed), ...labels.map(String)].join('\u0000'));
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) next();
  const uniform = (): number => next() / 4294967296;
  return {
    uniform,
    // Box–Muller with one draw per call: simpler to keep streams aligned than caching the pair.
    gauss: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
    int: (n) => Math.floor(uniform() * n),
    chance: (p) => p > 0 && uniform() < p,
    between: (lo, hi) => lo + (hi - lo) * uniform(),
  };
}
