// ProConnect stand-in (agents' login) for the browser suite, on panva's oidc-provider. It keeps
// ProConnect's rules that i-CLEFS must respect (identity.md §2): issuer …/api/v2, client_secret_post,
// ES256 id_token and signed application/jwt userinfo, state and nonce of 32+ characters, claims
// given_name / usual_name / email / uid / siret / idp_id, the level asked through the `claims`
// parameter — and **any `acr_values` parameter refused** (ProConnect answers Y000400 to unknown
// parameters). The login form takes the agent's professional email.
import express from 'express';
import crypto from 'node:crypto';
import { Provider, errors } from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

const PORT = Number(process.env.PROCONNECT_PORT || 4300);
const ISSUER = `http://127.0.0.1:${PORT}/api/v2`;
const APP = process.env.FC_APP_URL || 'http://127.0.0.1:3100';

const CLAIMS = {
  openid: ['sub'],
  ...Object.fromEntries(['given_name', 'usual_name', 'email', 'uid', 'siret', 'idp_id', 'organization_label']
    .map((c) => [c, [c]])),
  acr: null, auth_time: null, sid: null, iss: null,
};

const clients = [{
  client_id: 'e2e-proconnect-client', client_secret: 'e2e-proconnect-secret-0123456789',
  redirect_uris: [`${APP}/admin/proconnect/callback`], post_logout_redirect_uris: [`${APP}/admin/login`],
}];

const key = async (alg, kid) => ({ ...(await exportJWK((await generateKeyPair(alg, { extractable: true })).privateKey)), alg, use: 'sig', kid });

const provider = new Provider(ISSUER, {
  jwks: { keys: [await key('ES256', 'pc-es1')] },
  clients: clients.map((c) => ({ ...c, id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'ES256',
    token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code'], response_types: ['code'] })),
  clientAuthMethods: ['client_secret_post'],
  responseTypes: ['code'],
  pkce: { required: () => false },
  routes: { authorization: '/authorize', token: '/token', userinfo: '/userinfo', end_session: '/session/end', jwks: '/jwks' },
  scopes: ['openid'], claims: CLAIMS,
  acrValues: ['eidas1', 'eidas1-mfa', 'eidas2', 'eidas3'],
  subjectTypes: ['public'],
  features: {
    devInteractions: { enabled: false }, jwtUserinfo: { enabled: true }, claimsParameter: { enabled: true },
    pushedAuthorizationRequests: { enabled: false },
    rpInitiatedLogout: { enabled: true, async logoutSource(ctx, form) {
      ctx.body = `<!DOCTYPE html><html lang="fr"><head><title>Déconnexion</title></head><body>${form.replace('</form>', '<input type="hidden" name="logout" value="yes"><button>Continuer</button></form>')}<script>document.forms[0].submit()</script></body></html>`;
    } },
  },
  enabledJWA: { idTokenSigningAlgValues: ['ES256'], userinfoSigningAlgValues: ['ES256'] },
  extraParams: {
    async nonce(ctx, v) { if (ctx.oidc.route === 'authorization' && (!v || v.length < 32)) throw new errors.InvalidRequest('nonce too short'); },
    async state(ctx, v) { if (ctx.oidc.route === 'authorization' && (!v || v.length < 32)) throw new errors.InvalidRequest('state too short'); },
  },
  ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Interaction: 1800, Session: 43200, Grant: 43200 },
  async findAccount(ctx, id) {
    // The account id is the email typed at the stand-in's login; sub is stable per email.
    const sub = crypto.createHash('sha256').update(`proconnect:${id}`).digest('hex');
    return { accountId: id, async claims() {
      return { sub, email: id, given_name: 'Camille', usual_name: 'Agent', uid: id, siret: '21750001600019', idp_id: 'fia1' };
    } };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

// ProConnect refuses any parameter it does not know, acr_values included (identity.md §2).
provider.use(async (ctx, next) => {
  if (ctx.path.endsWith('/authorize') && (ctx.query.acr_values !== undefined)) {
    ctx.status = 400;
    ctx.body = 'Y000400: acr_values is not a ProConnect parameter';
    return;
  }
  await next();
});

const page = (title, body) => `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

const app = express();
app.get('/interaction/:uid', async (req, res, next) => {
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'consent') {
      const grant = details.grantId ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    }
    res.send(page('ProConnect (test)', `<form method="post" action="/interaction/${details.uid}/login">
<p><label for="email">Adresse électronique professionnelle</label> <input id="email" name="email" type="email" autocomplete="email"></p>
<p><button type="submit">Continuer</button></p></form>`));
  } catch (e) { next(e); }
});
app.post('/interaction/:uid/login', express.urlencoded({ extended: false }), async (req, res, next) => {
  try {
    const email = String(req.body.email || '').trim().toLowerCase();
    if (!email.includes('@')) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'no email' });
    }
    await provider.interactionFinished(req, res, { login: { accountId: email, acr: 'eidas1', amr: ['pwd'] } },
      { mergeWithLastSubmission: false });
  } catch (e) { next(e); }
});
app.use('/api/v2', provider.callback());
app.listen(PORT, '127.0.0.1', () => console.log(`ProConnect stand-in on ${ISSUER}`));
