// Everything the suite reads from the environment, in one place (playwright.config.ts included).

/** Port of the FranceConnect stand-in; the app is seeded with its issuer (xtask: 4100). */
export const FC_PORT = Number(process.env.FC_PORT || 4100);
export const FC_ISSUER = `http://127.0.0.1:${FC_PORT}/api/v2`;

/** The app under test: started by Playwright from ICLEFS_E2E_SERVER_CMD, always on this address. */
export const APP_URL = 'http://127.0.0.1:3100';
export const SERVER_CMD = process.env.ICLEFS_E2E_SERVER_CMD || undefined;
/** The same binary and environment, for operator commands (`… municipality add …`). */
export const CLI_CMD = process.env.ICLEFS_E2E_CLI_CMD || undefined;

/** Port of the Belgian FAS / CSAM stand-in (oidc/fas-provider.mjs). */
export const FAS_PORT = Number(process.env.FAS_PORT || 4200);
export const FAS_ISSUER = `http://127.0.0.1:${FAS_PORT}/fas/oauth2`;

/** The demo municipality's seeded administrator. */
export const ADMIN_EMAIL = process.env.ICLEFS_E2E_ADMIN_EMAIL || 'admin@demo.iclefs.test';
export const ADMIN_PASSWORD = process.env.ICLEFS_E2E_ADMIN_PASSWORD || 'demo-admin-password-2026';

/** The SMTP sink's log (tools/smtp_sink.py, one JSON line per message), when xtask starts one. */
export const MAIL_LOG = process.env.ICLEFS_E2E_MAIL_LOG || undefined;
export const SMTP_CMD = process.env.ICLEFS_E2E_SMTP_CMD || undefined;
export const SMTP_PORT = 2626;
