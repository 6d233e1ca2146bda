// End-to-end tests in Debian's Chromium (no Playwright browser download). Two projects:
// - player: the streaming player on a test page served by Vite from tests/e2e/pages;
// - app: the real renderer against the real services (`npm run dev:web`, started per test by
//   tests/e2e/app/processes.ts). bypassCSP lets the audio meter load its worklet from a blob: URL.
// A real-time AudioContext runs headless on a fake output.
import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.HARK_E2E_PORT ?? 4179);
const CHROMIUM = process.env.HARK_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests/e2e',
  projects: [
    { name: 'player', testMatch: 'player*.spec.ts' },
    { name: 'app', testMatch: 'app/**/*.spec.ts', use: { bypassCSP: true } },
  ],
  // Not under out/: electron-builder packages everything there.
  outputDir: 'test-results/playwright',
  timeout: 90_000,
  workers: 1,
  reporter: 'list',
  webServer: {
    command: `npx vite tests/e2e/pages --host 127.0.0.1 --port ${PORT} --strictPort --clearScreen false`,
    url: `http://127.0.0.1:${PORT}/`,
    timeout: 30_000,
    reuseExistingServer: false,
  },
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--autoplay-policy=no-user-gesture-required',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
