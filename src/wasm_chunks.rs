//! The WASM chunks of a split build (`cargo leptos … --split`), and what goes into each.
//!
//! Each `#[lazy]` function is a split point, and wasm-split gives every set of split points that
//! share code a file of its own: with every page and every lazily loaded step its own split
//! point, finishing a sign-in instantiated 40 files before it could exchange the code. Grouped
//! by when the browser needs them, there are three chunks beside the first:
//!
//! - `signed_in`: starting a sign-in, the callback, the product list, and reading, refreshing
//!   and ending the session. `/login` loads it once it is idle, so the sign-in round trip never
//!   waits for a download; a signed-out visit to `/` never loads it.
//! - `pages`: a product's page, the staff editor and the profile.
//! - `dpop`: making DPoP proofs, loaded only with DPoP on.
//!
//! The first chunk holds the rest: the shell, the router, `/` and `/login`.

/// Compiles the function `$item` into chunk `$chunk` of a split build (and, on the server, lets
/// it tell the page which chunk files to preload); any other build leaves it as it is.
///
/// Chunk names come from `#[lazy]`, which names a chunk after its argument *and* the place the
/// attribute is written: the functions of one chunk share a name because the attribute is
/// written here only, once.
macro_rules! in_chunk {
    ($chunk:ident, $item:item) => {
        #[cfg_attr(any(wasm_split, feature = "ssr"), ::leptos::lazy($chunk))]
        $item
    };
}
pub(crate) use in_chunk;
