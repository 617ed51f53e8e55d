//! GraphiQL's JavaScript and CSS, vendored in `assets/graphiql/` (see its README for versions,
//! checksums and licences), embedded at build time and served under `/graphql/assets/…`.
//! Every path carries its package version, so a response never changes and may be cached for
//! a year as `immutable`; an upgrade is a new path.

use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// Where the page finds each file.
pub const GRAPHIQL_JS: &str = "/graphql/assets/graphiql-3.8.3/graphiql.min.js";
pub const GRAPHIQL_CSS: &str = "/graphql/assets/graphiql-3.8.3/graphiql.min.css";
pub const REACT_JS: &str = "/graphql/assets/react-18.3.1/react.production.min.js";
pub const REACT_DOM_JS: &str = "/graphql/assets/react-dom-18.3.1/react-dom.production.min.js";

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

struct Asset {
    url: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

macro_rules! vendored {
    ($dir:literal, $file:literal, $type:expr) => {
        Asset {
            url: concat!("/graphql/assets/", $dir, "/", $file),
            content_type: $type,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/graphiql/",
                $dir,
                "/",
                $file
            )),
        }
    };
}

/// The files, with their licences beside them (served too, so the page can link them).
const ASSETS: &[Asset] = &[
    vendored!("graphiql-3.8.3", "graphiql.min.js", JAVASCRIPT),
    vendored!("graphiql-3.8.3", "graphiql.min.css", CSS),
    vendored!("graphiql-3.8.3", "LICENSE", TEXT),
    vendored!("react-18.3.1", "react.production.min.js", JAVASCRIPT),
    vendored!("react-18.3.1", "LICENSE", TEXT),
    vendored!(
        "react-dom-18.3.1",
        "react-dom.production.min.js",
        JAVASCRIPT
    ),
    vendored!("react-dom-18.3.1", "LICENSE", TEXT),
];

/// `GET /graphql/assets/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    let url = format!("/graphql/assets/{path}");
    let Some(asset) = ASSETS.iter().find(|a| a.url == url) else {
        return (StatusCode::NOT_FOUND, "no such asset").into_response();
    };
    let mut res = asset.bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_paths_are_served() {
        for url in [GRAPHIQL_JS, GRAPHIQL_CSS, REACT_JS, REACT_DOM_JS] {
            let asset = ASSETS.iter().find(|a| a.url == url).expect(url);
            assert!(asset.bytes.len() > 1000, "{url} is embedded");
        }
    }
}
