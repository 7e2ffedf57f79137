//! Checks at start-up that the browser bundle in the site directory can load.
//!
//! The pages after `/` and `/login` are separate WASM chunks (`pages::split_routes`), which
//! `cargo leptos … --split` writes together with their loader. Built without `--split`, the
//! bundle still imports that loader, the browser cannot load it, and no page becomes
//! interactive — with nothing on the server's side to say why. This check says why.

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
            "the browser bundle is missing ({}): pages will not become interactive. Build it with `cargo leptos build --split`, or run ./scripts/dev.",
            script.display()
        ));
    };
    if source.contains(UNSPLIT_IMPORT) {
        return Err(format!(
            "the browser bundle in {} was built without --split: it cannot load its page chunks, so pages will not become interactive. Rebuild with `cargo leptos build --split` or `cargo leptos watch --split` (./scripts/dev does this).",
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
    fn a_bundle_built_without_split_is_named_with_the_fix() {
        let dir = site(&[("aura-commerce.js", UNSPLIT_IMPORT)]);
        let error = check(&options(dir.path())).unwrap_err();
        assert!(error.contains("built without --split"), "{error}");
        assert!(error.contains("cargo leptos watch --split"), "{error}");
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
        assert!(error.contains("cargo leptos build --split"), "{error}");
    }
}
