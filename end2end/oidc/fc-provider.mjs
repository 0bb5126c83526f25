// FranceConnect v2 stand-in for the browser suite, built on panva's oidc-provider (the library
// FranceConnect's own core runs). It behaves like FC v2 on the points i-CLEFS must respect:
// code flow only, acr_values=eidas1 required, state and nonce of 32+ characters, client_secret_post
// only (HTTP Basic refused), ES256 id_token, ES256-signed application/jwt userinfo, pairwise sub,
// claims per scope, logout through /session/end without confirmation. Personas are FranceConnect's
// test identities (identity.md §1.7).
import express from 'express';
import crypto from 'node:crypto';
import { Provider, errors } from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

const PORT = Number(process.env.FC_PORT || 4100);
const ISSUER = `http://127.0.0.1:${PORT}/api/v2`;
const APP = process.env.FC_APP_URL || 'http://127.0.0.1:3100';

const ACCOUNTS = {
  test: { given_name: 'Angela Claire Louise', given_name_array: ['Angela', 'Claire', 'Louise'], family_name: 'DUBOIS',
    preferred_username: '', gender: 'female', birthdate: '1962-08-24', birthplace: '75107', birthcountry: '99100',
    email: 'wossewodda-3728@yopmail.com' },
  avec_nom_dusage: { given_name: 'Pierre', given_name_array: ['Pierre'], family_name: 'MERCIER', preferred_username: 'DUBOIS',
    gender: 'male', birthdate: '1969-03-17', birthplace: '95277', birthcountry: '99100', email: 'pierre.mercier@yopmail.com' },
  naissance_Belgique: { given_name: 'Lucie', given_name_array: ['Lucie'], family_name: 'PEETERS', preferred_username: '',
    gender: 'female', birthdate: '1985-05-12', birthplace: '', birthcountry: '99131', email: 'lucie.peeters@yopmail.com' },
  mois_00: { given_name: 'Jean', given_name_array: ['Jean'], family_name: 'MARTIN', preferred_username: '', gender: 'male',
    birthdate: '1977-00-03', birthplace: '2A004', birthcountry: '99100', email: 'jean.martin@yopmail.com' },
  'genre_indéfini': { given_name: 'Camille', given_name_array: ['Camille'], family_name: 'PETIT', preferred_username: '',
    gender: 'unspecified', birthdate: '1992-11-00', birthplace: '69123', birthcountry: '99100', email: 'camille.petit@yopmail.com' },
};

const PIVOT = ['given_name', 'given_name_array', 'family_name', 'birthdate', 'gender'];
const CLAIMS = {
  openid: ['sub'], profile: [...PIVOT, 'preferred_username'], birth: ['birthplace', 'birthcountry'],
  identite_pivot: [...PIVOT, 'birthplace', 'birthcountry'], given_name: ['given_name', 'given_name_array'],
  ...Object.fromEntries(['gender', 'birthdate', 'birthplace', 'birthcountry', 'family_name', 'email',
    'preferred_username', 'amr', 'idp_id'].map((c) => [c, [c]])),
  acr: null, auth_time: null, sid: null, iss: null,
};

const clients = process.env.FC_CLIENTS ? JSON.parse(process.env.FC_CLIENTS) : [{
  client_id: 'demo-fc-client', client_secret: 'demo-fc-secret',
  redirect_uris: [`${APP}/auth/demo/callback`], post_logout_redirect_uris: [`${APP}/auth/demo/logout-callback`],
}];

const key = async (alg, kid) => ({ ...(await exportJWK((await generateKeyPair(alg, { extractable: true })).privateKey)), alg, use: 'sig', kid });

const provider = new Provider(ISSUER, {
  jwks: { keys: [await key('ES256', 'es1'), await key('RS256', 'rs1')] },
  clients: clients.map((c) => ({ ...c, id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'ES256',
    token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code'], response_types: ['code'] })),
  clientAuthMethods: ['client_secret_post', 'private_key_jwt'],
  responseTypes: ['code'],
  pkce: { required: () => false },
  routes: { authorization: '/authorize', token: '/token', userinfo: '/userinfo', end_session: '/session/end', jwks: '/jwks' },
  scopes: ['openid'], claims: CLAIMS, acrValues: ['eidas1'], subjectTypes: ['pairwise'],
  pairwiseIdentifier: async (ctx, id, client) => crypto.createHash('sha256').update(`${client.clientId}:${id}`).digest('hex') + 'v1',
  features: {
    devInteractions: { enabled: false }, jwtUserinfo: { enabled: true }, claimsParameter: { enabled: true },
    revocation: { enabled: true },
    pushedAuthorizationRequests: { enabled: false }, // FC has no PAR endpoint
    rpInitiatedLogout: { enabled: true, async logoutSource(ctx, form) {
      // No confirmation page, like FranceConnect.
      ctx.body = `<!DOCTYPE html><html lang="fr"><head><title>Déconnexion</title></head><body>${form.replace('</form>', '<input type="hidden" name="logout" value="yes"><button>Continuer</button></form>')}<script>document.forms[0].submit()</script></body></html>`;
    } },
  },
  enabledJWA: { idTokenSigningAlgValues: ['ES256', 'RS256'], userinfoSigningAlgValues: ['ES256', 'RS256'] },
  // FranceConnect's own parameter checks (identity.md §1.2). A failed check is redirected to the
  // client's callback as ?error=invalid_request&error_description&state, as FC does.
  extraParams: {
    async acr_values(ctx, v) {
      if (ctx.oidc.route !== 'authorization') return;
      if (!v) throw new errors.InvalidRequest('acr_values is required');
      if (v.split(' ').some((acr) => acr !== 'eidas1')) throw new errors.InvalidRequest('acr_values must be eidas1');
    },
    async nonce(ctx, v) { if (ctx.oidc.route === 'authorization' && (!v || v.length < 32)) throw new errors.InvalidRequest('nonce too short'); },
    async state(ctx, v) { if (ctx.oidc.route === 'authorization' && (!v || v.length < 32)) throw new errors.InvalidRequest('state too short'); },
    idp_hint: null,
  },
  ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Interaction: 1800, Session: 1800, Grant: 1800 },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    return account && { accountId: id, async claims() { return { sub: id, ...account, idp_id: 'fip1-low', amr: ['pwd'] }; } };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

// oidc-provider treats client_secret_basic and client_secret_post as interchangeable; FranceConnect
// does not (identity.md §1.3): an Authorization: Basic header on /token is refused outright, so a
// client that forgets AuthType::RequestBody fails here as it would against the real service.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path.endsWith('/token') && /^basic /i.test(ctx.get('authorization'))) {
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: 'client_secret_basic is not accepted, use client_secret_post' };
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
      // Public service: consent is implicit, as on FranceConnect.
      const grant = details.grantId ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(' '));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      const grantId = await grant.save();
      return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    }
    res.send(page('Connexion FranceConnect (test)', `<form method="post" action="/interaction/${details.uid}/login">
<p><label for="login">Identifiant</label> <input id="login" name="login" autocomplete="username"></p>
<p><label for="password">Mot de passe</label> <input id="password" name="password" type="password" autocomplete="current-password"></p>
<p><button type="submit">Valider</button> <button type="submit" name="cancel" value="1">Annuler</button></p></form>`));
  } catch (e) { next(e); }
});
app.post('/interaction/:uid/login', express.urlencoded({ extended: false }), async (req, res, next) => {
  try {
    if (req.body.cancel || !ACCOUNTS[req.body.login] || req.body.password !== '123') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'User auth aborted' });
    }
    await provider.interactionFinished(req, res, { login: { accountId: req.body.login, acr: 'eidas1', amr: ['pwd'] } },
      { mergeWithLastSubmission: false });
  } catch (e) { next(e); }
});
app.use('/api/v2', provider.callback());
app.listen(PORT, '127.0.0.1', () => console.log(`FranceConnect stand-in on ${ISSUER}`));
