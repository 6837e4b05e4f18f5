import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'devices',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The tests spawn the DeviceScript CLI, which compiles into devices/.devicescript/bin (a fixed
    // folder): one file at a time. Each devs run / build takes 3-4 s.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
