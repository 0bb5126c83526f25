// Belgian FAS / CSAM stand-in for the browser suite, built on panva's oidc-provider like the
// FranceConnect one. It behaves like FAS on the points i-CLEFS must respect (identity.md §3.1,
// §6.1): issuer …/fas/oauth2, ForgeRock-style routes (/access_token, /connect/jwk_uri,
// /connect/endSession), HTTP Basic client authentication only (a secret in the form body is
// refused), RS256 id_token and RS256-signed application/jwt userinfo, acr_values
// urn:be:fedict:iam:fas:LevelNNN (500 = eID, 450 = itsme, 200 = username/password), claims
// surname / givenName / mail / prefLanguage under `profile` and egovNRN under `egovnrn`.
import express from 'express';
import { Provider, errors } from 'oidc-provider';
import { generateKeyPair, exportJWK } from 'jose';

const PORT = Number(process.env.FAS_PORT || 4200);
const ISSUER = `http://127.0.0.1:${PORT}/fas/oauth2`;
const APP = process.env.FC_APP_URL || 'http://127.0.0.1:3100';
const LEVEL = (n) => `urn:be:fedict:iam:fas:Level${n}`;

// Personas. The register numbers have valid check digits; `eid` is born 30/07/1985 (male),
// `itsme` on 12/05/2001 (female, check computed with the leading 2).
const ACCOUNTS = {
  eid: { surname: 'Peeters', givenName: 'Jan Pieter', egovNRN: '85073003328', mail: 'jan.peeters@example.be',
    prefLanguage: 'nl', fedid: 'fed-eid-0001', level: 500 },
  itsme: { surname: 'Dubois', givenName: 'Marie', egovNRN: '01051200214', mail: 'marie.dubois@example.be',
    prefLanguage: 'fr', fedid: 'fed-itsme-0002', level: 450 },
  // A login that only reaches Level200 (username and password): below what i-CLEFS asks for.
  token: { surname: 'Janssens', givenName: 'Luc', egovNRN: '', mail: 'luc.janssens@example.be',
    prefLanguage: 'nl', fedid: 'fed-token-0003', level: 200 },
};

const CLAIMS = {
  openid: ['sub'],
  profile: ['surname', 'givenName', 'mail', 'prefLanguage', 'fedid'],
  egovnrn: ['egovNRN'],
  acr: null, auth_time: null, sid: null, iss: null,
};

const clients = process.env.FAS_CLIENTS ? JSON.parse(process.env.FAS_CLIENTS) : [{
  client_id: 'e2e-fas-client', client_secret: 'e2e-fas-secret-0123456789',
  redirect_uris: [`${APP}/auth/bruxelles-e2e/callback`],
  post_logout_redirect_uris: [`${APP}/auth/bruxelles-e2e/logout-callback`],
}];

const key = async (alg, kid) => ({ ...(await exportJWK((await generateKeyPair(alg, { extractable: true })).privateKey)), alg, use: 'sig', kid });

const provider = new Provider(ISSUER, {
  jwks: { keys: [await key('RS256', 'fas-rs1')] },
  clients: clients.map((c) => ({ ...c, id_token_signed_response_alg: 'RS256', userinfo_signed_response_alg: 'RS256',
    token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], response_types: ['code'] })),
  clientAuthMethods: ['client_secret_basic'],
  responseTypes: ['code'],
  pkce: { required: () => false },
  routes: { authorization: '/authorize', token: '/access_token', userinfo: '/userinfo', end_session: '/connect/endSession',
    jwks: '/connect/jwk_uri', introspection: '/introspect' },
  scopes: ['openid', 'profile', 'egovnrn'], claims: CLAIMS,
  acrValues: [100, 200, 400, 450, 500].map(LEVEL),
  subjectTypes: ['public'],
  features: {
    devInteractions: { enabled: false }, jwtUserinfo: { enabled: true }, claimsParameter: { enabled: true },
    introspection: { enabled: true }, pushedAuthorizationRequests: { enabled: false },
    rpInitiatedLogout: { enabled: true, async logoutSource(ctx, form) {
      ctx.body = `<!DOCTYPE html><html lang="fr"><head><title>Déconnexion</title></head><body>${form.replace('</form>', '<input type="hidden" name="logout" value="yes"><button>Continuer</button></form>')}<script>document.forms[0].submit()</script></body></html>`;
    } },
  },
  enabledJWA: { idTokenSigningAlgValues: ['RS256'], userinfoSigningAlgValues: ['RS256'] },
  extraParams: {
    async acr_values(ctx, v) {
      if (ctx.oidc.route !== 'authorization') return;
      if (!v) throw new errors.InvalidRequest('acr_values is required');
      if (v.split(' ').some((acr) => !/^urn:be:fedict:iam:fas:Level(100|200|400|450|500)$/.test(acr))) {
        throw new errors.InvalidRequest('unknown acr_values');
      }
    },
  },
  ttl: { AccessToken: 60, AuthorizationCode: 30, IdToken: 60, Interaction: 1800, Session: 1800, Grant: 1800 },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    const { level, ...claims } = account;
    return { accountId: id, async claims() { return { sub: account.fedid, ...claims }; } };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.proxy = false;

// FAS authenticates clients with HTTP Basic only: a secret in the form body is refused, so a
// client that sends client_secret_post (FranceConnect's way) fails here as it would at FAS.
provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path.endsWith('/access_token') && !/^basic /i.test(ctx.get('authorization'))) {
    ctx.status = 401;
    ctx.body = { error: 'invalid_client', error_description: 'client_secret_basic is required' };
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
    res.send(page('CSAM – choisissez votre clé numérique (test)', `<form method="post" action="/interaction/${details.uid}/login">
<fieldset><legend>Clé numérique</legend>
<p><input type="radio" id="key-eid" name="login" value="eid" checked> <label for="key-eid">Lecteur de carte eID</label></p>
<p><input type="radio" id="key-itsme" name="login" value="itsme"> <label for="key-itsme">itsme</label></p>
<p><input type="radio" id="key-token" name="login" value="token"> <label for="key-token">Nom d’utilisateur et mot de passe</label></p>
</fieldset>
<p><button type="submit">Se connecter</button> <button type="submit" name="cancel" value="1">Annuler</button></p></form>`));
  } catch (e) { next(e); }
});
app.post('/interaction/:uid/login', express.urlencoded({ extended: false }), async (req, res, next) => {
  try {
    const account = ACCOUNTS[req.body.login];
    if (req.body.cancel || !account) {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'User cancelled' });
    }
    await provider.interactionFinished(req, res, { login: { accountId: req.body.login, acr: LEVEL(account.level), amr: ['pwd'] } },
      { mergeWithLastSubmission: false });
  } catch (e) { next(e); }
});
app.use('/fas/oauth2', provider.callback());
app.listen(PORT, '127.0.0.1', () => console.log(`FAS stand-in on ${ISSUER}`));
