import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'boards',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
