//! GraphiQL at `GET /graphql`, working without the internet: the page loads only the vendored
//! files of [`assets`] from this server, opens with the example tabs of [`examples`], and signs
//! an analyst in by e-mail and password (the token goes into the editor's headers).

pub mod assets;
pub mod examples;

use std::sync::OnceLock;

use axum::{
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
};
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};

/// The page's own script: sign-in panel, example tabs, fetcher.
const PAGE_SCRIPT: &str = include_str!("page.js");

/// The mutation the sign-in panel sends.
const LOGIN: &str = "mutation SignIn($input: LoginInput!) { login(input: $input) { accessToken expiresAt user { email role institution { slug } } } }";

/// `GET /graphql` for a browser.
pub fn page() -> Response {
    let mut res = Html(html()).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

/// The page may load and connect to this server only; its one inline script is allowed by
/// hash. A browser thus refuses any external URL even if a future GraphiQL reached for one.
fn content_security_policy() -> String {
    static CSP: OnceLock<String> = OnceLock::new();
    CSP.get_or_init(|| {
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(PAGE_SCRIPT));
        format!(
            "default-src 'self'; script-src 'self' 'sha256-{hash}'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; \
             form-action 'none'; frame-ancestors 'none'"
        )
    })
    .clone()
}

fn html() -> String {
    let tabs: Vec<_> = examples::EXAMPLES
        .iter()
        .map(|e| json!({ "query": e.query, "variables": e.variables }))
        .collect();
    let config = json!({
        "endpoint": "/graphql",
        "subscriptionEndpoint": "/graphql/ws",
        "login": LOGIN,
        "tabs": tabs,
    });
    // `</` would end the script element early; `<\/` is the same JSON string.
    let config = config.to_string().replace("</", "<\\/");
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>BioBridge GraphiQL</title>
<link rel="stylesheet" href="{css}">
<style>
  body {{ margin: 0; height: 100vh; overflow: hidden; }}
  #graphiql {{ height: 100vh; }}
  .biobridge-sign-in form {{ display: grid; gap: 0.6rem; margin-top: 1rem; }}
  .biobridge-sign-in input {{ font: inherit; padding: 0.4rem; border-radius: 4px;
    border: 1px solid hsla(var(--color-neutral), var(--alpha-tertiary)); }}
  .biobridge-sign-in button {{ font: inherit; padding: 0.4rem; cursor: pointer; }}
  .biobridge-sign-in .error {{ color: hsl(var(--color-error)); }}
</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="{react}"></script>
<script src="{react_dom}"></script>
<script src="{graphiql}"></script>
<script type="application/json" id="biobridge-config">{config}</script>
<script>{script}</script>
</body>
</html>
"#,
        css = assets::GRAPHIQL_CSS,
        react = assets::REACT_JS,
        react_dom = assets::REACT_DOM_JS,
        graphiql = assets::GRAPHIQL_JS,
        script = PAGE_SCRIPT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_script_is_allowed_by_its_hash() {
        let page = html();
        let start = page.find("<script>").unwrap() + "<script>".len();
        let end = start + page[start..].find("</script>").unwrap();
        let hash =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&page[start..end]));
        assert!(content_security_policy().contains(&hash));
    }
}
