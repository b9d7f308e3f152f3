/*
 * The admin console (issue #77): a client of Proofgate's admin API, running in the operator's
 * browser as proofgate-console. It signs in by Proofgate's own /authorize (code + PKCE S256,
 * max_age, acr_values `phr`: a passkey), redeems the code with a DPoP proof of a key it
 * makes with WebCrypto (non-extractable: the private key never leaves the browser), keeps the
 * token in memory only, and makes every admin call with a fresh DPoP proof (answering DPoP-Nonce
 * challenges, RFC 9449 §8-9) and, for a change, the If-Match of the ETag it read. Nothing here is
 * privileged: the service decides who gets the token, and the admin API what it may do. It asks
 * its questions in the page (a modal <dialog>), never with the browser's prompt() or confirm().
 */
(() => {
  const root = document.getElementById('admin-console');
  if (!root) return;
  const config = root.dataset;
  const $ = (id) => document.getElementById(id);
  const PKCE_KEY = 'proofgate-console-request';

  const b64url = (bytes) =>
    btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
  const random = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));
  const sha256 = (text) => crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  const utf8 = (value) => b64url(new TextEncoder().encode(JSON.stringify(value)));

  /** What the console holds, in memory only: the token and the DPoP key it is bound to. */
  const state = { token: null, key: null, jwk: null, nonce: null, account: null };

  // --- DPoP (RFC 9449) ---------------------------------------------------------------------

  async function newDpopKey() {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ]);
    const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    state.key = pair.privateKey;
    state.jwk = { kty, crv, x, y };
  }

  /** A proof for one request: its method and URL (no query), the token's hash, the nonce. */
  async function dpopProof(method, url, accessToken) {
    const header = { typ: 'dpop+jwt', alg: 'ES256', jwk: state.jwk };
    const payload = {
      htm: method,
      htu: url.split('?')[0].split('#')[0],
      iat: Math.floor(Date.now() / 1000),
      jti: random(16),
      ...(accessToken ? { ath: b64url(await sha256(accessToken)) } : {}),
      ...(state.nonce ? { nonce: state.nonce } : {}),
    };
    const input = `${utf8(header)}.${utf8(payload)}`;
    const signature = await crypto.subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      state.key,
      new TextEncoder().encode(input),
    );
    return `${input}.${b64url(signature)}`;
  }

  /** Sends `make(proof)` once, and again with the server's nonce if it asks for one. */
  async function withDpop(method, url, make) {
    for (let attempt = 0; ; attempt++) {
      const response = await make(await dpopProof(method, url, state.token));
      const nonce = response.headers.get('DPoP-Nonce');
      const challenge = response.headers.get('WWW-Authenticate') || '';
      let asksNonce = /use_dpop_nonce/.test(challenge);
      if (!asksNonce && response.status === 400 && nonce) {
        const body = await response
          .clone()
          .json()
          .catch(() => ({}));
        asksNonce = body.error === 'use_dpop_nonce';
      }
      if (nonce) state.nonce = nonce;
      if (!asksNonce || attempt > 0) return response;
    }
  }

  // --- Signing in --------------------------------------------------------------------------

  async function signIn() {
    const verifier = random(32);
    const request = { verifier, state: random(16) };
    sessionStorage.setItem(PKCE_KEY, JSON.stringify(request));
    const url = new URL('/authorize', config.issuer);
    const params = {
      response_type: 'code',
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      scope: 'admin:read admin:write',
      resource: config.resource,
      code_challenge: b64url(await sha256(verifier)),
      code_challenge_method: 'S256',
      state: request.state,
      max_age: config.maxAge,
      // A passkey: the service requires it of the console whatever is asked; this says so.
      acr_values: 'phr',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    location.assign(url.href);
  }

  /** The redirect back: the code redeemed at /token, or the refusal shown. */
  async function finishSignIn(query) {
    const saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || 'null');
    sessionStorage.removeItem(PKCE_KEY);
    history.replaceState(null, '', `${location.pathname}#overview`);
    if (query.get('error')) throw new Error(query.get('error_description') || query.get('error'));
    if (!saved || saved.state !== query.get('state')) {
      throw new Error('This answer is not for a sign-in this page started: sign in again.');
    }
    await newDpopKey();
    const tokenUrl = new URL('/token', config.issuer).href;
    const response = await withDpop('POST', tokenUrl, (proof) =>
      fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', DPoP: proof },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: config.clientId,
          code: query.get('code'),
          redirect_uri: config.redirectUri,
          code_verifier: saved.verifier,
        }),
      }),
    );
    const body = await response.json();
    if (!response.ok) throw new Error(body.error_description || body.error);
    state.token = body.access_token;
    state.account = JSON.parse(
      atob(body.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')),
    ).sub;
    state.expiresAt = Date.now() + body.expires_in * 1000;
  }

  function showSignedOut(message) {
    state.token = null;
    $('console-signed-in').hidden = true;
    $('console-signed-out').hidden = false;
    $('console-status').textContent = 'Signed out of the console.';
    $('console-error').hidden = !message;
    $('console-error').textContent = message || '';
  }

  // --- The admin API -----------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super(body.error_description || body.error || `HTTP ${status}`);
      this.status = status;
    }
  }

  /** One admin call: `{ body, etag }`, or ApiError with the envelope's description. */
  async function api(method, path, { body, ifMatch, optional } = {}) {
    if (!state.token || Date.now() > state.expiresAt) {
      showSignedOut('The console’s token has ended: sign in with your passkey again.');
      throw new ApiError(401, { error_description: 'signed out' });
    }
    const url = new URL(path, config.issuer).href;
    const response = await withDpop(method, url, (proof) =>
      fetch(url, {
        method,
        headers: {
          Authorization: `DPoP ${state.token}`,
          DPoP: proof,
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...(ifMatch ? { 'If-Match': ifMatch } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (response.status === 401) {
      showSignedOut(json.error_description);
      throw new ApiError(401, json);
    }
    if (!response.ok) {
      if (optional) return null;
      throw new ApiError(response.status, json);
    }
    return { body: json, etag: response.headers.get('ETag') };
  }

  /** Reads a resource for its ETag, then changes it with If-Match: never a blind write. */
  async function change(method, path, body) {
    const { etag } = await api('GET', path);
    return api(method, path, { body, ifMatch: etag });
  }

  // --- Rendering (text only: every value goes in as text, never as HTML) -------------------

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === 'onclick' || name === 'onsubmit') node.addEventListener(name.slice(2), value);
      else if (value !== undefined && value !== false)
        node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined)
        node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function table(columns, rows, caption) {
    return el(
      'table',
      {},
      caption ? el('caption', {}, caption) : null,
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          // A column of buttons shows no header; a screen reader still reads one.
          columns.map(([header]) =>
            el(
              'th',
              { scope: 'col' },
              header === '' ? el('span', { class: 'visually-hidden' }, 'Actions') : header,
            ),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        rows.length === 0
          ? el('tr', {}, el('td', { colspan: String(columns.length) }, 'None.'))
          : rows.map((row) =>
              el(
                'tr',
                {},
                columns.map(([, cell]) => el('td', {}, cell(row))),
              ),
            ),
      ),
    );
  }

  const date = (value) =>
    value ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) : '–';
  const button = (label, action, extra = {}) =>
    el(
      'button',
      { type: 'button', class: 'secondary', ...extra, onclick: () => run(action) },
      label,
    );

  function alertOf(message) {
    $('console-alert').hidden = !message;
    $('console-alert').textContent = message || '';
  }

  /** Runs an action, shows its refusal, and redraws the page. */
  async function run(action) {
    alertOf('');
    try {
      await action();
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 401)) alertOf(error.message);
    }
  }

  /** Hints shown so far: each gets an id of its own (both client forms ask for a scope). */
  let hints = 0;

  /** A labelled input; `hint`, when given, is shown under it and read with it. */
  function field(label, name, attributes = {}, hint) {
    const hintId = hint ? `hint-${++hints}` : undefined;
    return el(
      'p',
      {},
      el('label', { for: `f-${name}` }, label),
      el('input', { id: `f-${name}`, name, 'aria-describedby': hintId, ...attributes }),
      hint ? el('small', { id: hintId, class: 'muted console-hint' }, hint) : null,
    );
  }

  /**
   * RFC 7591 §2 scope, as the admin API takes it: absent, any. An edit that empties a client's
   * scope sends null (`patchOf`), which removes it.
   */
  const SCOPE_HINT =
    "The only scopes it may ask for; empty: any. Emptying a client's scope removes the limit.";

  /**
   * A PATCH of a client from its edit form's `values` (texts and lists): each one given, and null
   * for each the operator emptied that `client` had, which removes it (RFC 7396 §2, as the admin
   * API reads a PATCH). One empty that the client never had is left out.
   */
  const patchOf = (values, client) =>
    Object.fromEntries(
      Object.entries(values).flatMap(([name, value]) => {
        if (value.length > 0) return [[name, value]];
        return client[name] !== undefined && client[name].length > 0 ? [[name, null]] : [];
      }),
    );

  /** `&name=value` for each of `names` the page's parameters hold: a list's filters. */
  const queryOf = (params, names) =>
    names
      .filter((name) => params.get(name))
      .map((name) => `&${name}=${encodeURIComponent(params.get(name))}`)
      .join('');

  /** `name=value` pairs of an object of ids, in one cell: an audit record's targets, an event's source. */
  const pairs = (object) =>
    Object.entries(object || {})
      .map(([name, value]) => `${name}=${value}`)
      .join(' ');

  /**
   * A question asked in the page: a modal <dialog> with `fields` and two answers, `confirm` and
   * Cancel. Resolves to the form's values, or null when cancelled (Cancel, or Escape). The
   * browser moves the focus into the dialog and keeps it there; it goes back to where it was.
   */
  function ask({ id, title, text, fields = [], confirm, danger = false }) {
    return new Promise((resolve) => {
      const opener = document.activeElement;
      let answer = null;
      const dialog = el('dialog', {
        id,
        class: 'console-dialog',
        'aria-labelledby': `${id}-title`,
        'aria-describedby': text ? `${id}-text` : undefined,
      });
      const form = el(
        'form',
        {
          onsubmit: (event) => {
            event.preventDefault();
            answer = Object.fromEntries(new FormData(form));
            dialog.close();
          },
        },
        el('h2', { id: `${id}-title` }, title),
        text ? el('p', { id: `${id}-text` }, text) : null,
        ...fields,
        el(
          'p',
          { class: 'dialog-actions' },
          el(
            'button',
            { type: 'button', class: 'secondary', onclick: () => dialog.close() },
            'Cancel',
          ),
          el('button', { type: 'submit', class: danger ? 'danger' : undefined }, confirm),
        ),
      );
      dialog.append(form);
      dialog.addEventListener('close', () => {
        dialog.remove();
        if (opener && document.contains(opener)) opener.focus();
        resolve(answer);
      });
      root.append(dialog);
      dialog.showModal();
    });
  }

  // --- Pages -------------------------------------------------------------------------------

  const pages = {
    async overview(page) {
      const [health, keys, events, audit] = await Promise.all([
        fetch(new URL('/health', config.issuer)).then((r) =>
          r.json().then((body) => ({ ok: r.ok, body })),
        ),
        api('GET', '/admin/v1/keys'),
        api('GET', '/admin/v1/security-events?limit=10'),
        api('GET', '/admin/v1/audit?limit=10'),
      ]);
      const outboxes = (
        await Promise.all(
          ['logout', 'mail', 'ciba'].map(async (name) => {
            const answer = await api('GET', `/admin/v1/outboxes/${name}`, { optional: true });
            return answer && { name, answer };
          }),
        )
      ).filter(Boolean);
      page.append(
        el('h2', {}, 'Health'),
        el(
          'p',
          { id: 'overview-health' },
          health.ok ? 'The service and its database answer.' : 'The service reports a problem.',
        ),
        el(
          'div',
          { class: 'console-columns' },
          el('section', {}, keysTable(keys.body.items)),
          outboxes.length
            ? el(
                'section',
                {},
                table(
                  [
                    ['Outbox', (row) => row.name],
                    // The first page's count: "100+" when there are more pages.
                    [
                      'Unfinished rows',
                      (row) =>
                        `${(row.answer.body.items || []).length}${row.answer.body.next ? '+' : ''}`,
                    ],
                  ],
                  outboxes,
                  'Outboxes',
                ),
              )
            : null,
        ),
        el(
          'section',
          { id: 'overview-security-events' },
          securityEventsTable(events.body.items, 'Recent security events'),
          el('p', {}, el('a', { href: '#security' }, 'All security events, with filters')),
        ),
        auditTable(audit.body.items, 'Recent administrative changes'),
      );
    },

    async users(page, params) {
      const q = params.get('q') || '';
      const users = await api(
        'GET',
        `/admin/v1/users?limit=50${q ? `&q=${encodeURIComponent(q)}` : ''}`,
      );
      const search = el(
        'form',
        {
          id: 'users-search',
          onsubmit: (event) => (event.preventDefault(), go('users', { q: event.target.q.value })),
        },
        field('Username starts with', 'q', { value: q, type: 'search' }),
        el('p', {}, el('button', { type: 'submit' }, 'Search')),
      );
      const shown = params.get('account');
      page.append(
        search,
        table(
          [
            ['Username', (user) => user.username],
            ['Status', (user) => user.status],
            ['Created', (user) => date(user.created_at)],
            [
              '',
              (user) => [
                button('Methods', () => go('users', { q, account: user.username })),
                ' ',
                user.status === 'active'
                  ? button('Disable', () => setStatus(user.username, 'disabled'), {
                      'data-user': user.username,
                    })
                  : button('Enable', () => setStatus(user.username, 'active'), {
                      'data-user': user.username,
                    }),
              ],
            ],
          ],
          users.body.items,
          'Password users',
        ),
      );
      if (shown) {
        const account = await api('GET', `/admin/v1/accounts/${encodeURIComponent(shown)}`);
        page.append(
          table(
            [
              ['Method', (method) => method.method],
              ['Type', (method) => method.type],
              ['Added', (method) => date(method.added_at)],
            ],
            account.body.methods,
            `Account ${account.body.sub}${account.body.operator ? ' (operator)' : ''}: sign-in methods`,
          ),
        );
      }
      async function setStatus(username, status) {
        await change('PATCH', `/admin/v1/users/${encodeURIComponent(username)}`, { status });
        await go('users', { q });
      }
    },

    async clients(page, params) {
      const list = await api('GET', '/admin/v1/clients?limit=200');
      const editing = params.get('edit');
      page.append(
        el('div', { id: 'client-secret' }),
        table(
          [
            ['Client', (client) => client.client_id],
            ['Name', (client) => client.client_name || ''],
            ['Auth', (client) => client.token_endpoint_auth_method],
            ['Redirect URIs', (client) => (client.redirect_uris || []).join(' ')],
            // RFC 7591 §2: absent, the client may ask for any scope the server grants it.
            ['Scope', (client) => client.scope || el('span', { class: 'muted' }, 'any')],
            [
              '',
              (client) =>
                client.source === 'database'
                  ? [
                      button('Edit', () => go('clients', { edit: client.client_id })),
                      ' ',
                      client.token_endpoint_auth_method === 'client_secret_basic'
                        ? button('Rotate secret', () => rotate(client.client_id), {
                            'data-rotate': client.client_id,
                          })
                        : null,
                      ' ',
                      button('Remove', () => remove(client.client_id), {
                        'data-remove': client.client_id,
                      }),
                    ]
                  : el('span', { class: 'muted' }, client.source),
            ],
          ],
          list.body.items,
          'Clients',
        ),
      );
      if (editing) {
        const { body } = await api('GET', `/admin/v1/clients/${encodeURIComponent(editing)}`);
        page.append(
          el(
            'form',
            {
              id: 'client-edit',
              onsubmit: (event) => {
                event.preventDefault();
                const form = event.target;
                const values = {
                  client_name: form.client_name.value,
                  redirect_uris: form.redirect_uris.value.split(/\s+/).filter(Boolean),
                  scope: form.scope.value.split(/\s+/).filter(Boolean).join(' '),
                };
                run(async () => {
                  // What the admin API says of a removal the client cannot go without (its
                  // redirect URIs, if its grants need them) is shown, as any refusal.
                  await change(
                    'PATCH',
                    `/admin/v1/clients/${encodeURIComponent(editing)}`,
                    patchOf(values, body),
                  );
                  await go('clients');
                });
              },
            },
            el('h2', {}, `Edit ${editing}`),
            field('Name', 'client_name', { value: body.client_name || '' }),
            field('Redirect URIs (space-separated)', 'redirect_uris', {
              value: (body.redirect_uris || []).join(' '),
            }),
            field('Scope (space-separated)', 'scope', { value: body.scope || '' }, SCOPE_HINT),
            el('p', {}, el('button', { type: 'submit' }, 'Save')),
          ),
        );
      }
      page.append(
        el(
          'form',
          {
            id: 'client-add',
            onsubmit: (event) => {
              event.preventDefault();
              const form = event.target;
              const scope = form.scope.value.split(/\s+/).filter(Boolean).join(' ');
              run(async () => {
                const created = await api('POST', '/admin/v1/clients', {
                  body: {
                    client_id: form.client_id.value,
                    ...(form.client_name.value ? { client_name: form.client_name.value } : {}),
                    redirect_uris: form.redirect_uris.value.split(/\s+/).filter(Boolean),
                    ...(scope ? { scope } : {}),
                    ...(form.public.checked ? { token_endpoint_auth_method: 'none' } : {}),
                  },
                });
                await go('clients');
                showSecret(created.body.client_id, created.body.client_secret);
              });
            },
          },
          el('h2', {}, 'Add a client'),
          field('Client id', 'client_id', { required: true, pattern: '[A-Za-z0-9._\\-]{1,64}' }),
          field('Name', 'client_name'),
          field('Redirect URIs (space-separated)', 'redirect_uris', { required: true }),
          field('Scope (space-separated)', 'scope', {}, SCOPE_HINT),
          el(
            'p',
            {},
            el(
              'label',
              {},
              el('input', { type: 'checkbox', name: 'public' }),
              ' Public (PKCE only, no secret)',
            ),
          ),
          el('p', {}, el('button', { type: 'submit' }, 'Add')),
        ),
      );
      function showSecret(clientId, secret) {
        if (!secret) return;
        $('client-secret').replaceChildren(
          el(
            'p',
            { class: 'card' },
            `Secret of ${clientId}, shown this once: `,
            el('code', { id: 'shown-secret' }, secret),
          ),
        );
      }
      async function rotate(clientId) {
        const answer = await ask({
          id: 'rotate-dialog',
          title: `Rotate the secret of ${clientId}`,
          text:
            'A new secret is made and shown once. The previous one keeps working for the overlap ' +
            '(0: it stops now), so that every deployment can take the new one first.',
          fields: [
            field('Keep the previous secret working for (hours)', 'overlap_hours', {
              type: 'number',
              min: '0',
              step: 'any',
              value: '24',
              required: true,
            }),
          ],
          confirm: 'Rotate the secret',
        });
        if (!answer) return;
        const path = `/admin/v1/clients/${encodeURIComponent(clientId)}/secrets`;
        const rotated = await change('POST', path, {
          previous_expires_in: Math.round(Number(answer.overlap_hours) * 3600),
        });
        await go('clients');
        showSecret(clientId, rotated.body.secret);
      }
      async function remove(clientId) {
        const answer = await ask({
          id: 'remove-dialog',
          title: `Remove ${clientId}?`,
          text:
            'The client is deleted and its grants are revoked: its tokens stop working at once. ' +
            'This cannot be undone.',
          confirm: `Remove ${clientId}`,
          danger: true,
        });
        if (!answer) return;
        await change('DELETE', `/admin/v1/clients/${encodeURIComponent(clientId)}`);
        await go('clients');
      }
    },

    async keys(page) {
      const keys = await api('GET', '/admin/v1/keys');
      page.append(
        keysTable(keys.body.items),
        el(
          'p',
          {},
          button(
            'Rotate (the next key is published first)',
            async () => {
              await api('POST', '/admin/v1/keys/rotate', { body: {} });
              await go('keys');
            },
            { id: 'keys-rotate' },
          ),
        ),
      );
    },

    async grants(page, params) {
      const who = params.get('user') || '';
      page.append(
        el(
          'form',
          {
            id: 'grants-search',
            onsubmit: (event) => (
              event.preventDefault(),
              go('grants', { user: event.target.user.value })
            ),
          },
          field('Account (a username or a subject)', 'user', { value: who, required: true }),
          el('p', {}, el('button', { type: 'submit' }, 'Show')),
        ),
      );
      if (!who) return;
      const user = encodeURIComponent(who);
      const [grants, sessions] = await Promise.all([
        api('GET', `/admin/v1/grants?user=${user}`),
        api('GET', `/admin/v1/sessions?user=${user}`),
      ]);
      page.append(
        table(
          [
            ['Grant', (grant) => grant.grant_id],
            ['Client', (grant) => grant.client_id],
            ['Scope', (grant) => grant.scope],
            ['Revoked', (grant) => date(grant.revoked_at)],
            [
              '',
              (grant) =>
                grant.revoked_at
                  ? ''
                  : button('Revoke', async () => {
                      await change(
                        'DELETE',
                        `/admin/v1/grants/${encodeURIComponent(grant.grant_id)}`,
                      );
                      await go('grants', { user: who });
                    }),
            ],
          ],
          grants.body.items,
          'Grants',
        ),
        table(
          [
            ['Session', (session) => session.sid],
            ['Method', (session) => session.auth_method],
            ['acr', (session) => session.acr || ''],
            ['Signed in', (session) => date(session.auth_time)],
            [
              '',
              (session) =>
                button('End', async () => {
                  await change(
                    'DELETE',
                    `/admin/v1/sessions/${encodeURIComponent(session.sid)}?user=${user}`,
                  );
                  await go('grants', { user: who });
                }),
            ],
          ],
          sessions.body.items,
          'Login sessions',
        ),
      );
    },

    async security(page, params) {
      const filters = ['type', 'since'].filter((name) => params.get(name));
      const events = await api(
        'GET',
        `/admin/v1/security-events?limit=50${queryOf(params, [...filters, 'cursor'])}`,
      );
      const types = (config.securityEventTypes || '').split(' ').filter(Boolean);
      const shown = Object.fromEntries(filters.map((name) => [name, params.get(name)]));
      page.append(
        el(
          'form',
          {
            id: 'security-filter',
            onsubmit: (event) => {
              event.preventDefault();
              const form = event.target;
              const since = form.since.value ? new Date(form.since.value).toISOString() : '';
              go(
                'security',
                Object.fromEntries(
                  [
                    ['type', form.type.value],
                    ['since', since],
                  ].filter(([, v]) => v),
                ),
              );
            },
          },
          el(
            'p',
            {},
            el('label', { for: 'f-type' }, 'Type'),
            el(
              'select',
              { id: 'f-type', name: 'type' },
              el('option', { value: '' }, 'Every type'),
              types.map((type) =>
                el('option', { value: type, selected: params.get('type') === type }, type),
              ),
            ),
          ),
          field('Since (your local time)', 'since', {
            type: 'datetime-local',
            value: params.get('since') ? localInput(params.get('since')) : '',
          }),
          el('p', {}, el('button', { type: 'submit' }, 'Filter')),
        ),
        securityEventsTable(events.body.items, 'Security events, newest first', true),
      );
      if (events.body.next) {
        page.append(
          el(
            'p',
            {},
            button('Older events', () => go('security', { ...shown, cursor: events.body.next }), {
              id: 'security-older',
            }),
          ),
        );
      }
    },

    async audit(page, params) {
      const audit = await api(
        'GET',
        `/admin/v1/audit?limit=100${queryOf(params, ['action', 'actor', 'outcome'])}`,
      );
      page.append(
        el(
          'form',
          {
            id: 'audit-filter',
            onsubmit: (event) => {
              event.preventDefault();
              const form = event.target;
              go(
                'audit',
                Object.fromEntries(
                  ['action', 'actor', 'outcome']
                    .map((name) => [name, form[name].value])
                    .filter(([, v]) => v),
                ),
              );
            },
          },
          field('Action', 'action', { value: params.get('action') || '' }),
          field('Actor (a client, an account, cli)', 'actor', { value: params.get('actor') || '' }),
          field('Outcome (done, refused, failed)', 'outcome', {
            value: params.get('outcome') || '',
          }),
          el('p', {}, el('button', { type: 'submit' }, 'Filter')),
        ),
        auditTable(audit.body.items, 'Audit trail'),
      );
    },
  };

  function keysTable(keys) {
    return table(
      [
        ['Key', (key) => key.kid],
        ['Alg', (key) => key.alg],
        ['State', (key) => key.state],
        ['Created', (key) => date(key.created_at)],
      ],
      keys,
      'Signing keys',
    );
  }

  function actorText(actor) {
    if (actor.kind === 'operator') return `${actor.account} (console)`;
    if (actor.kind === 'client') return actor.client_id;
    return `cli ${actor.os_user}`;
  }

  function auditTable(items, caption) {
    return table(
      [
        ['When', (record) => date(record.at)],
        ['Who', (record) => actorText(record.actor)],
        ['Action', (record) => record.action],
        ['Targets', (record) => pairs(record.targets)],
        ['Outcome', (record) => record.outcome + (record.reason ? `: ${record.reason}` : '')],
      ],
      items,
      caption,
    );
  }

  /** The attacks the service stopped: a row per type, source and minute, with its count. */
  function securityEventsTable(items, caption, withDetails = false) {
    return table(
      [
        ['When', (event) => date(event.at)],
        ['Type', (event) => el('code', {}, event.type)],
        ['Source', (event) => pairs(event.source)],
        ['Count', (event) => String(event.count)],
        ['Latest', (event) => date(event.last_at)],
        ...(withDetails ? [['Details', (event) => pairs(event.details)]] : []),
      ],
      items,
      caption,
    );
  }

  /** An RFC 3339 time as a datetime-local input shows it: the browser's local time, to the minute. */
  function localInput(value) {
    const at = new Date(value);
    return new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  }

  /** Shows a page: `#name?params`, drawn from admin API answers. */
  async function go(name, params = {}) {
    const query = new URLSearchParams(params).toString();
    const hash = `#${name}${query ? `?${query}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
    await draw();
  }

  async function draw() {
    if (!state.token) return;
    const [name, query] = location.hash.slice(1).split('?');
    const pageName = pages[name] ? name : 'overview';
    for (const link of document.querySelectorAll('.console-tabs a')) {
      if (link.dataset.page === pageName) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const page = el('div', { 'data-console-page': pageName });
    await run(() => pages[pageName](page, new URLSearchParams(query || '')));
    $('console-page').replaceChildren(page);
    $('console-page').dataset.ready = pageName;
  }

  async function start() {
    $('console-sign-in').addEventListener('click', () => signIn());
    const query = new URLSearchParams(location.search);
    if (query.has('code') || query.has('error')) {
      try {
        await finishSignIn(query);
      } catch (error) {
        showSignedOut(error.message);
        return;
      }
    }
    if (!state.token) {
      showSignedOut();
      return;
    }
    $('console-status').textContent =
      `Signed in as ${state.account} (operator); the token ends at ${new Date(state.expiresAt).toLocaleTimeString()}.`;
    $('console-signed-out').hidden = true;
    $('console-signed-in').hidden = false;
    window.addEventListener('hashchange', () => draw());
    await draw();
  }

  start();
})();
