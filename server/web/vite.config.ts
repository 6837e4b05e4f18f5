// The portal build: plain TypeScript modules + uPlot, bundled by Vite into web/dist, which
// portalPlugin serves. `npm run build:web -w server`. For development, `npx vite web` from
// server/ proxies the API to a running `reeflink serve` (REEFLINK_URL, default :8080).
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const api = process.env.REEFLINK_URL ?? 'http://127.0.0.1:8080'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    // One small app: no source maps shipped; assets get content hashes (cached for a year).
    sourcemap: false,
  },
  server: { proxy: { '/api': api, '/v1.1': api } },
})
