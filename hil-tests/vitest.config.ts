import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'hil-tests',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
