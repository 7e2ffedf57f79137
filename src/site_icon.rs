//! The site's icon as the page links it. Its file (`public/favicon.svg`) is not renamed by the
//! build, so the server names it by its content (`startup::site_assets`) and the page links
//! that name: browsers then keep it like the bundle, and Chromium's icon loader — which ignores
//! `no-cache` revalidation — has nothing to fetch again until the icon changes.

/// The icon's path, provided to the page shell as context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteIcon(pub String);

impl SiteIcon {
    /// The plain name, for when no content-named one was provided.
    pub const PLAIN_PATH: &'static str = "/favicon.svg";

    pub fn path(&self) -> &str {
        &self.0
    }
}

impl Default for SiteIcon {
    fn default() -> Self {
        Self(Self::PLAIN_PATH.to_owned())
    }
}
