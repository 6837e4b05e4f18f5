// Entry of a read worker when reeflink runs from the TypeScript sources (tsx, vitest): a worker
// thread does not inherit the parent's loader hooks, so tsx is registered here before the worker's
// TypeScript module is loaded. The precompiled bundle (server/scripts/build-cli.mjs) uses
// server/dist/read-worker.mjs instead.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
