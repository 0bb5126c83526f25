// Browser journeys in Debian's Chromium (never `playwright install`: this machine cannot download
// browsers). The FranceConnect stand-in and the app are started by Playwright; the build driver
// (`cargo xtask test`) passes the app's command in ICLEFS_E2E_SERVER_CMD.
import { defineConfig } from '@playwright/test';
import { execSync } from 'node:child_process';

const chromium = process.env.CHROMIUM_PATH || execSync('command -v chromium || command -v chromium-browser').toString().trim();
const serverCmd = process.env.ICLEFS_E2E_SERVER_CMD;

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: 'http://127.0.0.1:3100',
    launchOptions: {
      executablePath: chromium,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  webServer: [
    {
      command: 'node oidc/fc-provider.mjs',
      url: 'http://127.0.0.1:4100/api/v2/.well-known/openid-configuration',
      reuseExistingServer: false,
      timeout: 30_000,
    },
    ...(serverCmd ? [{
      command: serverCmd,
      url: 'http://127.0.0.1:3100/healthz',
      reuseExistingServer: false,
      timeout: 120_000,
    }] : []),
  ],
});
