// Browser journeys in Debian's Chromium (never `playwright install`: this machine cannot download
// browsers). The FranceConnect stand-in and the app are started by Playwright; the build driver
// (`cargo xtask test`) passes the app's command in ICLEFS_E2E_SERVER_CMD. Without it, only the
// stand-in's own spec runs, so the provider can be checked before the app builds.
import { defineConfig, type Project } from '@playwright/test';
import { execSync } from 'node:child_process';
import { APP_URL, FAS_ISSUER, FC_ISSUER, SERVER_CMD, SMTP_CMD, SMTP_PORT } from './tests/support/env';

const chromium = process.env.CHROMIUM_PATH
  || execSync('command -v chromium || command -v chromium-browser', { shell: '/bin/sh' }).toString().trim();

const STAND_IN_SPEC = /fc-provider\.spec\.ts$/;
const projects: Project[] = [{ name: 'fc-stand-in', testMatch: STAND_IN_SPEC }];
if (SERVER_CMD) projects.push({ name: 'app', testIgnore: STAND_IN_SPEC });

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: APP_URL,
    // Citizen pages follow Accept-Language (fr, en, nl): the journeys are those of a French user.
    locale: 'fr-FR',
    launchOptions: {
      executablePath: chromium,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects,
  webServer: [
    {
      command: 'node oidc/fc-provider.mjs',
      url: `${FC_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: 'node oidc/fas-provider.mjs',
      url: `${FAS_ISSUER}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: 'node oidc/proconnect-provider.mjs',
      url: 'http://127.0.0.1:4300/api/v2/.well-known/openid-configuration',
      reuseExistingServer: false,
      timeout: 30_000,
    },
    // A real SMTP server (aiosmtpd) the app sends to; the specs read its log.
    ...(SMTP_CMD ? [{
      command: SMTP_CMD,
      port: SMTP_PORT,
      reuseExistingServer: false,
      timeout: 30_000,
    }] : []),
    ...(SERVER_CMD ? [{
      command: SERVER_CMD,
      url: `${APP_URL}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
    }] : []),
  ],
});
