// The row every benchmark's run() returns and `npm run bench` (scripts/bench.ts) prints and writes
// to bench-results.json. A ratio compares our path with `baseline`, a raw limit measured in the same run.
export interface BenchRow {
  name: string
  value: number
  unit: string
  baseline?: number
  ratio?: number
}
