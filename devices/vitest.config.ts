import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'devices',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
