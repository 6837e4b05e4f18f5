import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'hil-tests',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One DeviceScript VM per TCP port 8082 (fixed by the CLI): one file at a time. Scenarios
    // wait on real duty-cycle silences and VM restarts, hence the generous timeouts (failures
    // are reported by each wait's own deadline, with the VM console).
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Kills VMs and servers a crashed or interrupted file left behind.
    globalSetup: ['test/global-setup.ts'],
  },
});
