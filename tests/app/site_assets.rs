//! The site's files as the browser gets them: the precompressed variant it asks for, kept a
//! year when the name is content-hashed, revalidated otherwise; pages and data never stored.

use std::path::Path;

use reqwest::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, IF_MODIFIED_SINCE, LAST_MODIFIED, VARY,
};

use crate::support::{spawn_app, TestApp, TestOptions};

const BUNDLE: &str = "/pkg/aura-commerce.Hx_1-a.js";
const SNIPPET: &str = "/pkg/snippets/aura-commerce-1/inline0.js";
const PICTURE: &str = "/images/products/mug.svg";

/// A built site as `cargo leptos build --release --precompress` with `hash-files` leaves it:
/// each bundle file with its `.br` and `.gz` beside it (distinct bytes, to tell which was sent).
fn write_site(root: &Path) {
    let write = |path: &str, content: &[u8]| {
        let file = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    };
    write(BUNDLE, b"export const plain = 1;");
    write(&format!("{BUNDLE}.br"), b"brotli bytes");
    write(&format!("{BUNDLE}.gz"), b"gzip bytes");
    write(SNIPPET, b"export function inline() {}");
    write(PICTURE, b"<svg xmlns='http://www.w3.org/2000/svg'/>");
    write("/favicon.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>");
}

async fn spawn_with_site(hashed_file_names: bool) -> (TestApp, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    write_site(site.path());
    let app = spawn_app(TestOptions {
        site_root: Some(site.path().to_owned()),
        hashed_file_names,
        ..TestOptions::default()
    })
    .await;
    (app, site)
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = app.api.get(app.url(path));
    if let Some(encodings) = accept_encoding {
        request = request.header(ACCEPT_ENCODING, encodings);
    }
    request.send().await.unwrap()
}

fn header(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_bundle_is_sent_in_the_precompressed_encoding_the_browser_asks_for() {
    let (app, _site) = spawn_with_site(true).await;
    for (accepted, encoding, body) in [
        (Some("gzip, deflate, br, zstd"), Some("br"), "brotli bytes"),
        (Some("gzip"), Some("gzip"), "gzip bytes"),
        (None, None, "export const plain = 1;"),
    ] {
        let response = get(&app, BUNDLE, accepted).await;
        assert_eq!(response.status(), 200, "{accepted:?}");
        assert_eq!(
            header(&response, CONTENT_ENCODING).as_deref(),
            encoding,
            "{accepted:?}"
        );
        assert_eq!(header(&response, VARY).as_deref(), Some("accept-encoding"));
        assert_eq!(response.text().await.unwrap(), body, "{accepted:?}");
    }
}

#[tokio::test]
async fn content_hashed_bundle_files_are_kept_a_year_and_the_rest_revalidated() {
    let (app, _site) = spawn_with_site(true).await;
    let immutable = "public, max-age=31536000, immutable";
    let bundle = get(&app, BUNDLE, Some("br")).await;
    assert_eq!(header(&bundle, CACHE_CONTROL).as_deref(), Some(immutable));

    // Not renamed by the build, so their names do not pin their content.
    for path in [SNIPPET, PICTURE, "/favicon.svg"] {
        let response = get(&app, path, None).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, CACHE_CONTROL).as_deref(),
            Some("no-cache"),
            "{path}"
        );
        let modified = header(&response, LAST_MODIFIED).expect("Last-Modified, to revalidate");
        let again = app
            .api
            .get(app.url(path))
            .header(IF_MODIFIED_SINCE, modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), 304, "{path} revalidated without a body");
    }

    // A file that is not there (yet: a deploy may be under way) is never kept.
    let missing = get(&app, "/pkg/aura-commerce.Other.wasm", None).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(header(&missing, CACHE_CONTROL).as_deref(), Some("no-store"));
}

#[tokio::test]
async fn bundle_files_without_hashed_names_are_revalidated() {
    let (app, _site) = spawn_with_site(false).await;
    let response = get(&app, BUNDLE, None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, CACHE_CONTROL).as_deref(),
        Some("no-cache")
    );
}

/// Pages carry a nonce of their own and data belongs to one shopper: neither is stored.
#[tokio::test]
async fn pages_server_functions_and_the_api_are_never_stored() {
    let app = spawn_app(TestOptions::default()).await;
    let page = app.browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(header(&page, CACHE_CONTROL).as_deref(), Some("no-store"));

    let token = app
        .sign_in(crate::support::SHOPPER, dev_tenant::DEMO_PASSWORD)
        .await
        .access_token;
    let api = app.get_api("/api/products", Some(&token)).await;
    assert_eq!(api.status(), 200);
    assert_eq!(header(&api, CACHE_CONTROL).as_deref(), Some("no-store"));

    let server_fn = app.call_get_products(Some(&token)).await;
    assert_eq!(server_fn.status(), 200);
    assert_eq!(
        header(&server_fn, CACHE_CONTROL).as_deref(),
        Some("no-store")
    );
}

/// The icon is not renamed by the build, so the page links it by a name made from its bytes:
/// kept a year like the bundle, and a changed icon is a new name.
#[tokio::test]
async fn the_page_links_the_icon_by_a_content_name_that_is_kept_a_year() {
    let (app, site) = spawn_with_site(false).await;
    let linked = icon_link(&app).await;
    assert!(
        linked.starts_with("/favicon.") && linked.ends_with(".svg") && linked != "/favicon.svg",
        "{linked}"
    );
    let icon = get(&app, &linked, None).await;
    assert_eq!(icon.status(), 200);
    assert_eq!(
        header(&icon, CACHE_CONTROL).as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        icon.text().await.unwrap(),
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    );

    std::fs::write(
        site.path().join("favicon.svg"),
        "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 2 2'/>",
    )
    .unwrap();
    // The running server still sends, under the old name, the bytes that name was made from.
    assert_eq!(
        get(&app, &linked, None).await.text().await.unwrap(),
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    );
    let next = spawn_app(TestOptions {
        site_root: Some(site.path().to_owned()),
        ..TestOptions::default()
    })
    .await;
    let relinked = icon_link(&next).await;
    assert_ne!(relinked, linked, "a changed icon gets a new name");
    assert_eq!(get(&next, &relinked, None).await.status(), 200);
}

async fn icon_link(app: &TestApp) -> String {
    let page = app.browser.get(app.url("/login")).send().await.unwrap();
    let html = page.text().await.unwrap();
    let link = html
        .split("<link")
        .find(|tag| tag.contains("rel=\"icon\""))
        .expect("an icon link");
    let href = link.split("href=\"").nth(1).unwrap();
    href[..href.find('"').unwrap()].to_owned()
}
