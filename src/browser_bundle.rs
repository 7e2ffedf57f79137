//! Checks at start-up that the browser bundle in the site directory can load.
//!
//! Under `cargo leptos … --split` the pages after `/` and `/login` are separate WASM chunks
//! (`pages::split_routes`), written together with their loader; any other build is one bundle
//! that loads eagerly (`build.rs` decides). A bundle that imports chunks nobody wrote — linked
//! for splitting but never split, or a split bundle whose loader is gone — leaves every page
//! dead, with nothing on the server's side to say why. This check says why.

use std::path::Path;

use leptos::config::LeptosOptions;

/// What wasm-bindgen leaves as the module of the chunk imports when nothing split the bundle:
/// a bare specifier no browser resolves.
const UNSPLIT_IMPORT: &str = "__wasm_split_placeholder__";
/// The loader `cargo leptos --split` writes beside the bundle (its unhashed name).
const SPLIT_LOADER_PREFIX: &str = "__wasm_split.";

/// Why the bundle in `options.site_root` cannot run, if it cannot.
pub fn check(options: &LeptosOptions) -> Result<(), String> {
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let script = pkg.join(format!("{}.js", options.output_name));
    let Ok(source) = std::fs::read_to_string(&script) else {
        return Err(format!(
            "the browser bundle is missing ({}): pages will not become interactive. Build it with `cargo leptos build` (or `cargo leptos build --release --split` for production), or run `cargo leptos watch`.",
            script.display()
        ));
    };
    if source.contains(UNSPLIT_IMPORT) {
        return Err(format!(
            "the browser bundle in {} imports page chunks that were never split off, so pages will not become interactive: rebuild it with `cargo leptos build` (one eager bundle) or `cargo leptos build --split` (chunks), and do not set `-Clink-args=--emit-relocs` by hand.",
            pkg.display()
        ));
    }
    if source.contains(SPLIT_LOADER_PREFIX) && !has_split_loader(&pkg) {
        return Err(format!(
            "the browser bundle in {} lacks its chunk loader ({SPLIT_LOADER_PREFIX}….js): pages will not become interactive. Rebuild with `cargo leptos build --split`.",
            pkg.display()
        ));
    }
    Ok(())
}

fn has_split_loader(pkg: &Path) -> bool {
    std::fs::read_dir(pkg).is_ok_and(|entries| {
        entries.flatten().any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(SPLIT_LOADER_PREFIX) && name.ends_with(".js")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(site_root: &Path) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("aura-commerce")
            .site_root(site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .build()
    }

    fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
        for (name, content) in files {
            std::fs::write(dir.path().join("pkg").join(name), content).unwrap();
        }
        dir
    }

    /// The first lines of each kind of bundle, as wasm-bindgen and cargo-leptos write them.
    const SPLIT_IMPORT: &str = "import*as n from\"./__wasm_split.______________________.js\";";
    const UNSPLIT_IMPORT: &str = "import * as import1 from \"__wasm_split_placeholder__\"";

    #[test]
    fn a_split_bundle_with_its_loader_passes() {
        let dir = site(&[
            ("aura-commerce.js", SPLIT_IMPORT),
            ("__wasm_split.______________________.js", "export {}"),
        ]);
        assert_eq!(check(&options(dir.path())), Ok(()));
    }

    #[test]
    fn a_bundle_importing_chunks_never_split_off_is_named_with_the_fix() {
        let dir = site(&[("aura-commerce.js", UNSPLIT_IMPORT)]);
        let error = check(&options(dir.path())).unwrap_err();
        assert!(error.contains("never split off"), "{error}");
        assert!(error.contains("cargo leptos build --split"), "{error}");
    }

    #[test]
    fn an_eager_bundle_without_chunks_passes() {
        let dir = site(&[(
            "aura-commerce.js",
            "import * as import1 from \"./snippets/x.js\"",
        )]);
        assert_eq!(check(&options(dir.path())), Ok(()));
    }

    #[test]
    fn a_split_bundle_without_its_loader_is_named() {
        let dir = site(&[("aura-commerce.js", SPLIT_IMPORT)]);
        let error = check(&options(dir.path())).unwrap_err();
        assert!(error.contains("lacks its chunk loader"), "{error}");
    }

    #[test]
    fn a_missing_bundle_is_named_with_the_fix() {
        let dir = site(&[]);
        let error = check(&options(dir.path())).unwrap_err();
        assert!(error.contains("browser bundle is missing"), "{error}");
        assert!(error.contains("cargo leptos build"), "{error}");
    }
}
