import { defineConfig } from 'vitest/config';

// One vitest run over every workspace (each keeps its own vitest.config.ts).
export default defineConfig({
  test: {
    projects: ['codecs', 'boards', 'devices', 'simulator', 'server', 'hil-tests'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
