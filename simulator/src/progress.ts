// Progress of long work (sample-data generation, replays), as data the CLI renders: how far,
// how fast, and how long to go. The meter only computes; callers decide how often to report.

export interface Progress {
  /** What is being done, e.g. "replay" or "sample-data NCAMD10". */
  phase: string;
  done: number;
  total: number;
  /** Unit of done/total, e.g. "records" or "virtual s". */
  unit: string;
  /** 0..1. */
  fraction: number;
  elapsedMs: number;
  /** done per wall-clock second so far. */
  ratePerS: number;
  /** Estimated wall-clock ms to go; undefined until a rate is known. */
  etaMs: number | undefined;
}

export type ProgressCallback<P extends Progress = Progress> = (progress: P) => void;

export class ProgressMeter {
  private readonly startedAt: number;
  constructor(
    private readonly phase: string,
    private readonly total: number,
    private readonly unit: string,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = now();
  }

  at(done: number): Progress {
    const elapsedMs = this.now() - this.startedAt;
    const ratePerS = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
    const remaining = Math.max(0, this.total - done);
    return {
      phase: this.phase,
      done,
      total: this.total,
      unit: this.unit,
      fraction: this.total > 0 ? Math.min(1, done / this.total) : 1,
      elapsedMs,
      ratePerS,
      etaMs: ratePerS > 0 ? (remaining / ratePerS) * 1000 : undefined,
    };
  }
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One line for a terminal: "replay  42.0%  12,345/29,000 frames  1,234 frames/s  ETA 12s". */
export function formatProgress(p: Progress): string {
  const pct = (p.fraction * 100).toFixed(1).padStart(5);
  const rate = Math.round(p.ratePerS).toLocaleString('en-US');
  const eta = p.etaMs === undefined ? 'ETA --' : `ETA ${duration(p.etaMs)}`;
  return `${p.phase}  ${pct}%  ${Math.round(p.done).toLocaleString('en-US')}/${Math.round(p.total).toLocaleString('en-US')} ${p.unit}  ${rate} ${p.unit}/s  ${eta}`;
}
