import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['appliance/**/*.test.ts', 'drivers/**/*.test.ts', 'models/**/*.test.ts', 'test/**/*.test.ts'],
    // Hardware-in-the-loop and end-to-end tests start servers and child processes:
    // two workers match the 2-core CI machine without starving the processes under test.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
