// BioBridge's GraphiQL page: the example tabs, a sign-in panel that puts the access token into
// the editor's headers, and a fetcher that talks to this server only. Plain ES2017 on
// GraphiQL's UMD build (window.React, window.ReactDOM, window.GraphiQL): no bundler, no CDN.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('biobridge-config').textContent);
  var h = React.createElement;
  var TOKEN_KEY = 'biobridge:accessToken';

  // The token lives for the browser tab's session only, never in localStorage.
  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  }
  function storeToken(token) {
    try {
      if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* private mode: the header pane still holds it */ }
  }

  function hasAuthorization(headers) {
    return Object.keys(headers || {}).some(function (k) { return k.toLowerCase() === 'authorization'; });
  }

  // Every tab's requests carry the signed-in token unless that tab's headers set their own.
  var wsScheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  var base = GraphiQL.createFetcher({
    url: config.endpoint,
    subscriptionUrl: wsScheme + location.host + config.subscriptionEndpoint,
  });
  // GraphiQL learns an edited document's operations 100 ms after the change (a debounce), and
  // a tab switch is such a change: Run pressed in that window sends the previous tab's
  // operation name (and parsed document) with the new tab's text, which the server rightly
  // refuses ("Unknown operation named …"). The text sent is the truth, so the name and the
  // document are taken from it: a name it does not define gives way to its only operation.
  function consistent(params, opts) {
    var doc;
    try { doc = GraphiQL.GraphQL.parse(params.query); } catch (e) { return params; }
    var names = doc.definitions
      .filter(function (d) { return d.kind === 'OperationDefinition'; })
      .map(function (d) { return d.name ? d.name.value : null; });
    var name = params.operationName;
    if (name && names.indexOf(name) < 0 && names.length === 1) {
      params = Object.assign({}, params, { operationName: names[0] });
    }
    opts.documentAST = doc;
    return params;
  }
  function fetcher(params, options) {
    var opts = Object.assign({}, options);
    var headers = Object.assign({}, opts.headers);
    var token = storedToken();
    if (token && !hasAuthorization(headers)) headers.Authorization = 'Bearer ' + token;
    opts.headers = headers;
    return base(consistent(params, opts), opts);
  }

  // Rewrites the header pane's JSON with (or without) `Authorization`, keeping other headers.
  function setAuthorizationHeader(editor, token) {
    var pane = editor && editor.headerEditor;
    if (!pane) return;
    var headers = {};
    try { headers = JSON.parse(pane.getValue() || '{}') || {}; } catch (e) { headers = {}; }
    Object.keys(headers).forEach(function (k) {
      if (k.toLowerCase() === 'authorization') delete headers[k];
    });
    if (token) headers.Authorization = 'Bearer ' + token;
    pane.setValue(JSON.stringify(headers, null, 2));
  }

  async function login(email, password) {
    var res = await fetch(config.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: config.login, variables: { input: { email: email, password: password } } }),
    });
    var body = await res.json();
    if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
    return body.data.login;
  }

  function SignIn() {
    var editor = GraphiQL.React.useEditorContext();
    var schema = GraphiQL.React.useSchemaContext();
    var _e = React.useState(''), email = _e[0], setEmail = _e[1];
    var _p = React.useState(''), password = _p[0], setPassword = _p[1];
    var _u = React.useState(null), user = _u[0], setUser = _u[1];
    var _r = React.useState(null), error = _r[0], setError = _r[1];
    var _b = React.useState(false), busy = _b[0], setBusy = _b[1];

    async function submit(event) {
      event.preventDefault();
      setBusy(true);
      setError(null);
      try {
        var session = await login(email, password);
        storeToken(session.accessToken);
        setAuthorizationHeader(editor, session.accessToken);
        setUser(Object.assign({ expiresAt: session.expiresAt }, session.user));
        setPassword('');
        // With introspection for signed-in users only, the docs appear now.
        if (schema && schema.introspect) schema.introspect();
      } catch (e) {
        setError(e.message);
      } finally {
        setBusy(false);
      }
    }

    function signOut() {
      storeToken(null);
      setAuthorizationHeader(editor, null);
      setUser(null);
    }

    var children = [h('div', { className: 'graphiql-doc-explorer-title', key: 'title' }, 'Sign in')];
    if (user) {
      children.push(h('p', { key: 'who', id: 'biobridge-signed-in' },
        'Signed in as ' + user.email + ' (' + user.role +
        (user.institution ? ', ' + user.institution.slug : '') + ') until ' +
        new Date(user.expiresAt).toLocaleString() +
        '. Every tab sends your token as the Authorization header.'));
      children.push(h('button', { key: 'out', type: 'button', onClick: signOut }, 'Sign out'));
    } else {
      children.push(h('p', { key: 'why' },
        'Sign in with your BioBridge e-mail address and password; the access token is put into ' +
        'the headers pane for you.'));
      children.push(h('form', { key: 'form', onSubmit: submit },
        h('input', { id: 'biobridge-email', type: 'email', placeholder: 'e-mail', autoComplete: 'username',
          required: true, value: email, onChange: function (e) { setEmail(e.target.value); } }),
        h('input', { id: 'biobridge-password', type: 'password', placeholder: 'password',
          autoComplete: 'current-password', required: true, value: password,
          onChange: function (e) { setPassword(e.target.value); } }),
        h('button', { id: 'biobridge-sign-in', type: 'submit', disabled: busy }, busy ? 'Signing in…' : 'Sign in')));
    }
    if (error) children.push(h('p', { key: 'err', className: 'error', id: 'biobridge-sign-in-error' }, error));
    return h('div', { className: 'biobridge-sign-in' }, children);
  }

  function KeyIcon(props) {
    return h('svg', Object.assign({ viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5,
      width: '1em', height: '1em' }, props),
      h('circle', { cx: 8, cy: 15, r: 4 }),
      h('path', { d: 'M10.8 12.2 20 3m-4 4 3 3m-5-1 2 2' }));
  }

  var signInPlugin = { title: 'Sign in', icon: KeyIcon, content: SignIn };

  ReactDOM.createRoot(document.getElementById('graphiql')).render(h(GraphiQL, {
    fetcher: fetcher,
    defaultTabs: config.tabs,
    plugins: [signInPlugin],
    visiblePlugin: storedToken() ? undefined : signInPlugin,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: false,
  }));
})();
