// The FranceConnect v2 stand-in itself (oidc/fc-provider.mjs): the journeys are only as faithful
// as this provider, so its wire behaviour is pinned here (identity.md §1.2-§1.5). It needs no app:
// without ICLEFS_E2E_SERVER_CMD, `npx playwright test` runs this file alone.
//
// The flows run over HTTP with a cookie jar and stop at the callback URL, so the app is never
// called even when it listens there; the browser only checks the stand-in's login page.
import { spawn, type ChildProcess } from 'node:child_process';
import { test, expect, type APIRequestContext, type APIResponse, type PlaywrightWorkerArgs } from '@playwright/test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { expectNoAxeViolations } from './support/checks';
import { FC_ISSUER, FC_PORT } from './support/env';

const CLIENT = {
  client_id: 'demo-fc-client',
  client_secret: 'demo-fc-secret',
  redirect_uri: 'http://127.0.0.1:3100/auth/demo/callback',
  post_logout_redirect_uri: 'http://127.0.0.1:3100/auth/demo/logout-callback',
};
/** One scope per claim, as i-CLEFS asks (presets.rs), plus `email` to check it is served. */
const SCOPES = 'openid family_name given_name birthdate gender birthplace birthcountry preferred_username email';

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  userinfo_endpoint: string;
  end_session_endpoint: string;
  jwks_uri: string;
  acr_values_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  userinfo_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  response_types_supported: string[];
  grant_types_supported: string[];
  pushed_authorization_request_endpoint?: string;
}

interface Client { client_id: string; client_secret: string; redirect_uri: string; post_logout_redirect_uri: string }

/** 43 URL-safe characters, like the 32 random bytes i-CLEFS sends. */
const random = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

async function discover(request: APIRequestContext, issuer = FC_ISSUER): Promise<Discovery> {
  const response = await request.get(`${issuer}/.well-known/openid-configuration`);
  expect(response.ok()).toBe(true);
  return (await response.json()) as Discovery;
}

function authorizeUrl(d: Discovery, client: Client, params: Record<string, string | undefined>): string {
  const url = new URL(d.authorization_endpoint);
  const all: Record<string, string | undefined> = {
    response_type: 'code', client_id: client.client_id, redirect_uri: client.redirect_uri, scope: SCOPES,
    acr_values: 'eidas1', state: random(), nonce: random(), ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

/** The Location of a redirect, made absolute. */
function redirectTarget(response: APIResponse): string {
  expect(response.status(), `a redirect from ${response.url()}`).toBeGreaterThanOrEqual(300);
  expect(response.status()).toBeLessThan(400);
  return new URL(response.headers()['location'], response.url()).href;
}

/** Follows redirects by hand until one points under `prefix`, which is returned without being visited. */
async function followUntil(agent: APIRequestContext, first: APIResponse, prefix: string): Promise<URL> {
  let target = redirectTarget(first);
  for (let hop = 0; !target.startsWith(prefix); hop++) {
    expect(hop, `redirects never reached ${prefix}`).toBeLessThan(10);
    target = redirectTarget(await agent.get(target, { maxRedirects: 0 }));
  }
  return new URL(target);
}

/**
 * A citizen's user agent without a browser: a cookie jar whose requests never follow redirects.
 * A browser would load the client's callback, where the app listens during a full run (and
 * page.route() does not see redirect hops), so the flows below stop at the callback URL instead.
 */
async function newAgent(playwright: PlaywrightWorkerArgs['playwright']): Promise<APIRequestContext> {
  return playwright.request.newContext();
}

interface FlowOptions { login?: string; password?: string; cancel?: boolean; params?: Record<string, string | undefined> }

/** authorize → stand-in login form (POSTed as the browser would) → automatic consent → callback URL. */
async function codeFlow(agent: APIRequestContext, d: Discovery, client: Client, options: FlowOptions = {}) {
  const state = random();
  const nonce = random();
  const authorize = await agent.get(authorizeUrl(d, client, { state, nonce, ...options.params }), { maxRedirects: 0 });
  const interaction = redirectTarget(authorize);
  expect(interaction).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/interaction\/[\w-]+$/);
  const html = await (await agent.get(interaction)).text();
  const action = /<form[^>]*\saction="([^"]+)"/.exec(html)?.[1];
  expect(action, html).toBeTruthy();
  const fields: Record<string, string> = { login: options.login ?? 'test', password: options.password ?? '123' };
  if (options.cancel) fields.cancel = '1';
  const posted = await agent.post(new URL(action!, interaction).href, { form: fields, maxRedirects: 0 });
  const callback = await followUntil(agent, posted, client.redirect_uri);
  return { callback, state, nonce };
}

async function exchangeCode(request: APIRequestContext, d: Discovery, client: Client, code: string) {
  const response = await request.post(d.token_endpoint, {
    form: { grant_type: 'authorization_code', code, redirect_uri: client.redirect_uri,
      client_id: client.client_id, client_secret: client.client_secret },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as { access_token: string; token_type: string; expires_in: number; id_token: string };
}

/** Signed userinfo: `application/jwt`, ES256, verified against the provider's JWKS. */
async function userinfo(request: APIRequestContext, d: Discovery, client: Client, accessToken: string): Promise<JWTPayload> {
  const response = await request.get(d.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^application\/jwt/);
  const jws = await response.text();
  expect(decodeProtectedHeader(jws).alg).toBe('ES256');
  const { payload } = await jwtVerify(jws, createRemoteJWKSet(new URL(d.jwks_uri)),
    { issuer: d.issuer, audience: client.client_id, algorithms: ['ES256'] });
  return payload;
}

test.describe('FranceConnect v2 stand-in', () => {
  test('discovery advertises FranceConnect v2 settings', async ({ request }) => {
    const d = await discover(request);
    expect(d.issuer).toBe(FC_ISSUER);
    expect(d.authorization_endpoint).toBe(`${FC_ISSUER}/authorize`);
    expect(d.token_endpoint).toBe(`${FC_ISSUER}/token`);
    expect(d.userinfo_endpoint).toBe(`${FC_ISSUER}/userinfo`);
    expect(d.end_session_endpoint).toBe(`${FC_ISSUER}/session/end`);
    expect(d.jwks_uri).toBe(`${FC_ISSUER}/jwks`);
    expect(d.acr_values_supported).toEqual(['eidas1']);
    expect(d.subject_types_supported).toEqual(['pairwise']);
    expect(d.response_types_supported).toEqual(['code']);
    expect(d.grant_types_supported).toEqual(['authorization_code']);
    expect(d.id_token_signing_alg_values_supported).toContain('ES256');
    expect(d.userinfo_signing_alg_values_supported).toContain('ES256');
    expect(d.token_endpoint_auth_methods_supported).toContain('client_secret_post');
    expect(d.token_endpoint_auth_methods_supported).not.toContain('client_secret_basic');
    expect(d.pushed_authorization_request_endpoint).toBeUndefined();
    const jwks = (await (await request.get(d.jwks_uri)).json()) as { keys: { kty: string; alg: string; d?: string }[] };
    expect(jwks.keys.map((k) => k.alg)).toContain('ES256');
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true); // public keys only
  });

  test('the login page is labelled and accessible', async ({ browser, request }) => {
    const d = await discover(request);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(authorizeUrl(d, CLIENT, {}));
    await expect(page).toHaveURL(new RegExp(`^http://127\\.0\\.0\\.1:${FC_PORT}/interaction/[\\w-]+$`));
    await expect(page.getByLabel('Identifiant')).toBeVisible();
    await expect(page.getByLabel('Mot de passe')).toHaveAttribute('type', 'password');
    await expect(page.getByRole('button', { name: 'Valider' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Annuler' })).toBeVisible();
    await expectNoAxeViolations(page);
    await context.close();
  });

  test('code flow: ES256 id_token with acr eidas1, signed userinfo, single-use code, logout', async ({ playwright, request }) => {
    const d = await discover(request);
    const agent = await newAgent(playwright);
    const { callback, state, nonce } = await codeFlow(agent, d, CLIENT);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(FC_ISSUER);
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();

    const tokens = await exchangeCode(request, d, CLIENT, code!);
    expect(tokens.token_type).toBe('Bearer');
    expect(tokens.expires_in).toBeLessThanOrEqual(60);
    expect(decodeProtectedHeader(tokens.id_token).alg).toBe('ES256');
    const { payload: idToken } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(d.jwks_uri)),
      { issuer: FC_ISSUER, audience: CLIENT.client_id, algorithms: ['ES256'] });
    expect(idToken).toMatchObject({ acr: 'eidas1', nonce });
    expect(idToken.amr).toBeUndefined(); // only when asked for through `claims` (next test)
    expect(idToken.sub).toMatch(/^[0-9a-f]{64}v1$/); // pairwise, opaque, never the login
    expect(idToken.exp! - idToken.iat!).toBeLessThanOrEqual(60);

    const claims = await userinfo(request, d, CLIENT, tokens.access_token);
    expect(claims).toMatchObject({
      sub: idToken.sub, family_name: 'DUBOIS', given_name: 'Angela Claire Louise',
      given_name_array: ['Angela', 'Claire', 'Louise'], gender: 'female', birthdate: '1962-08-24',
      birthplace: '75107', birthcountry: '99100', preferred_username: '', email: 'wossewodda-3728@yopmail.com',
    });

    // Unsigned JSON is never served, whatever the client asks for.
    const json = await request.get(d.userinfo_endpoint,
      { headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' } });
    expect(json.headers()['content-type']).toMatch(/^application\/jwt/);

    // A code is single-use, and replaying it revokes what it gave (RFC 6749 §4.1.2).
    const replay = await request.post(d.token_endpoint, {
      form: { grant_type: 'authorization_code', code: code!, redirect_uri: CLIENT.redirect_uri,
        client_id: CLIENT.client_id, client_secret: CLIENT.client_secret },
    });
    expect(replay.status()).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
    const revoked = await request.get(d.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(revoked.status()).toBe(401);

    // RP-initiated logout: no confirmation to click (the page posts its form by script, which the
    // agent does by hand), then back to the registered URI with the state.
    const logoutState = random();
    const end = new URL(d.end_session_endpoint);
    end.searchParams.set('id_token_hint', tokens.id_token);
    end.searchParams.set('state', logoutState);
    end.searchParams.set('post_logout_redirect_uri', CLIENT.post_logout_redirect_uri);
    const page = await agent.get(end.href);
    expect(page.status()).toBe(200);
    const html = await page.text();
    const action = /<form[^>]*\saction="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action && xsrf, html).toBeTruthy();
    const confirmed = await agent.post(new URL(action!, end).href, { form: { xsrf: xsrf!, logout: 'yes' }, maxRedirects: 0 });
    const back = await followUntil(agent, confirmed, CLIENT.post_logout_redirect_uri);
    expect(back.searchParams.get('state')).toBe(logoutState);

    // The FranceConnect session is over: the next authorization asks for the login again.
    const again = await agent.get(authorizeUrl(d, CLIENT, {}), { maxRedirects: 0 });
    expect(redirectTarget(again)).toMatch(/\/interaction\/[\w-]+$/);
    await agent.dispose();
  });

  test('the claims parameter adds amr to the id_token', async ({ playwright, request }) => {
    const d = await discover(request);
    const agent = await newAgent(playwright);
    const { callback, nonce } = await codeFlow(agent, d, CLIENT,
      { params: { claims: JSON.stringify({ id_token: { amr: { essential: true } } }) } });
    const tokens = await exchangeCode(request, d, CLIENT, callback.searchParams.get('code')!);
    const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(d.jwks_uri)),
      { issuer: FC_ISSUER, audience: CLIENT.client_id, algorithms: ['ES256'] });
    expect(payload).toMatchObject({ acr: 'eidas1', amr: ['pwd'], nonce });
    await agent.dispose();
  });

  test('client_secret_post only: HTTP Basic and a wrong secret are refused', async ({ playwright, request }) => {
    const d = await discover(request);
    const agent = await newAgent(playwright);
    const code = (await codeFlow(agent, d, CLIENT)).callback.searchParams.get('code')!;
    const basic = await request.post(d.token_endpoint, {
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT.client_id}:${CLIENT.client_secret}`).toString('base64')}` },
      form: { grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirect_uri },
    });
    expect(basic.status()).toBe(401);
    const wrong = await request.post(d.token_endpoint, {
      form: { grant_type: 'authorization_code', code, redirect_uri: CLIENT.redirect_uri,
        client_id: CLIENT.client_id, client_secret: 'not-the-secret' },
    });
    expect(wrong.status()).toBe(401);
    await agent.dispose();
  });

  // FranceConnect's parameter rules: the error comes back to the callback with the state.
  const refusals: { name: string; params: Record<string, string | undefined>; description: string }[] = [
    { name: 'missing acr_values', params: { acr_values: undefined }, description: 'acr_values is required' },
    { name: 'acr_values other than eidas1', params: { acr_values: 'eidas2' }, description: 'acr_values must be eidas1' },
    { name: 'nonce shorter than 32', params: { nonce: 'a'.repeat(31) }, description: 'nonce too short' },
    { name: 'state shorter than 32', params: { state: 's'.repeat(31) }, description: 'state too short' },
  ];
  for (const { name, params, description } of refusals) {
    test(`refuses ${name}`, async ({ request }) => {
      const d = await discover(request);
      const state = params.state ?? random();
      const response = await request.get(authorizeUrl(d, CLIENT, { ...params, state }), { maxRedirects: 0 });
      expect(response.status()).toBe(303);
      const location = new URL(redirectTarget(response));
      expect(location.href.startsWith(CLIENT.redirect_uri)).toBe(true);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toBe(description);
      expect(location.searchParams.get('state')).toBe(state);
    });
  }

  test('an unregistered redirect_uri is not redirected to', async ({ request }) => {
    const d = await discover(request);
    const response = await request.get(authorizeUrl(d, CLIENT, { redirect_uri: 'http://127.0.0.1:3100/elsewhere' }),
      { maxRedirects: 0 });
    expect(response.status()).toBe(400);
  });

  test('"Annuler" and a wrong password come back as access_denied', async ({ playwright, request }) => {
    const d = await discover(request);
    for (const options of [{ cancel: true }, { password: 'wrong' }]) {
      const agent = await newAgent(playwright);
      const { callback, state } = await codeFlow(agent, d, CLIENT, options);
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('state')).toBe(state);
      expect(callback.searchParams.get('code')).toBeNull();
      await agent.dispose();
    }
  });

  // FranceConnect's mock identities (identity.md §1.7): the shapes i-CLEFS must tolerate.
  const personas: { login: string; claims: Record<string, unknown> }[] = [
    { login: 'avec_nom_dusage', claims: { preferred_username: expect.stringMatching(/\S/) } },
    { login: 'naissance_Belgique', claims: { birthplace: '', birthcountry: '99131' } },
    { login: 'mois_00', claims: { birthdate: '1977-00-03' } },
    { login: 'genre_indéfini', claims: { gender: 'unspecified' } },
  ];
  for (const { login, claims } of personas) {
    test(`persona ${login}`, async ({ playwright, request }) => {
      const d = await discover(request);
      const agent = await newAgent(playwright);
      const { callback } = await codeFlow(agent, d, CLIENT, { login });
      const tokens = await exchangeCode(request, d, CLIENT, callback.searchParams.get('code')!);
      expect(await userinfo(request, d, CLIENT, tokens.access_token)).toMatchObject(claims);
      await agent.dispose();
    });
  }
});

// A second instance with clients from FC_CLIENTS: each commune (client) sees another `sub` for
// the same citizen.
test.describe('FranceConnect v2 stand-in with FC_CLIENTS', () => {
  const port = FC_PORT + 90;
  const issuer = `http://127.0.0.1:${port}/api/v2`;
  const clients: Client[] = ['commune-a', 'commune-b'].map((id, i) => ({
    client_id: id, client_secret: `secret-${id}`,
    redirect_uri: `http://127.0.0.1:${3200 + i}/auth/fc/callback`,
    post_logout_redirect_uri: `http://127.0.0.1:${3200 + i}/auth/fc/logout-callback`,
  }));
  let child: ChildProcess | undefined;

  test.beforeAll(async ({ request }) => {
    child = spawn(process.execPath, ['oidc/fc-provider.mjs'], {
      env: { ...process.env, FC_PORT: String(port), FC_CLIENTS: JSON.stringify(clients.map((c) => ({
        client_id: c.client_id, client_secret: c.client_secret,
        redirect_uris: [c.redirect_uri], post_logout_redirect_uris: [c.post_logout_redirect_uri],
      }))) },
      stdio: 'ignore',
    });
    await expect(async () => { await discover(request, issuer); }).toPass({ timeout: 15_000 });
  });

  test.afterAll(() => { child?.kill(); });

  test('pairwise sub: same citizen, one sub per client', async ({ playwright, request }) => {
    const d = await discover(request, issuer);
    const subs: string[] = [];
    for (const client of clients) {
      const agent = await newAgent(playwright);
      const { callback } = await codeFlow(agent, d, client); // the same citizen, `test`
      const tokens = await exchangeCode(request, d, client, callback.searchParams.get('code')!);
      const { payload } = await jwtVerify(tokens.id_token, createRemoteJWKSet(new URL(d.jwks_uri)),
        { issuer, audience: client.client_id, algorithms: ['ES256'] });
      subs.push(payload.sub!);
      await agent.dispose();
    }
    expect(subs[0]).not.toBe(subs[1]);
    // The default client does not exist on this instance.
    const unknown = await request.get(authorizeUrl(d, CLIENT, {}), { maxRedirects: 0 });
    expect(unknown.status()).toBe(400);
  });
});
