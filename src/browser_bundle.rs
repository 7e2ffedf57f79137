//! Checks at start-up that the browser bundle in the site directory can load.
//!
//! Under `cargo leptos … --split` the pages after `/` and `/login` are in WASM chunks
//! (`wasm_chunks`), written together with their loader; any other build is one bundle
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

/// `options` with the build's own word on file names. cargo-leptos says whether the site's
/// files have content-hashed names (`hash-files` in Cargo.toml) in `LEPTOS_HASH_FILES` when it
/// runs the server; a server started on its own (`target/release/aura-commerce`) goes by what
/// cargo-leptos said when it built that binary.
pub fn with_build_settings(mut options: LeptosOptions) -> LeptosOptions {
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        options.hash_files = option_env!("LEPTOS_HASH_FILES") == Some("true");
    }
    if std::env::var_os("LEPTOS_HASH_FILE_NAME").is_none() {
        if let Some(name) = option_env!("LEPTOS_HASH_FILE_NAME") {
            options.hash_file = name.into();
        }
    }
    options
}

/// Why the bundle in `options.site_root` cannot run, if it cannot.
pub fn check(options: &LeptosOptions) -> Result<(), String> {
    // Where Leptos itself reads the hash list: beside the running binary.
    let hash_file = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(options.hash_file.as_ref());
    check_with_hash_file(options, &hash_file)
}

fn check_with_hash_file(options: &LeptosOptions, hash_file: &Path) -> Result<(), String> {
    let pkg = Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let script_name = if options.hash_files {
        let hashes = std::fs::read_to_string(hash_file).map_err(|_| {
            format!(
                "the site was built with content-hashed file names, but their list ({}) is not beside the server binary: pages would fail to render. Rebuild with `cargo leptos build` and start the binary it built.",
                hash_file.display()
            )
        })?;
        let js_hash = hashes
            .lines()
            .find_map(|line| line.trim().strip_prefix("js:"))
            .map(str::trim)
            .ok_or_else(|| {
                format!(
                    "the list of hashed file names ({}) names no script: rebuild with `cargo leptos build`.",
                    hash_file.display()
                )
            })?;
        format!("{}.{js_hash}.js", options.output_name)
    } else {
        format!("{}.js", options.output_name)
    };
    let script = pkg.join(script_name);
    let Ok(source) = std::fs::read_to_string(&script) else {
        return Err(format!(
            "the browser bundle is missing ({}): pages will not become interactive. Build it with `cargo leptos build` (or `cargo leptos build --release --split --precompress` for production), or run `cargo leptos watch`.",
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
    fn a_hashed_bundle_is_found_by_the_name_its_hash_list_gives() {
        let dir = site(&[
            ("aura-commerce.Xy_9.js", SPLIT_IMPORT),
            ("__wasm_split.Q1.js", ""),
        ]);
        let hash_file = dir.path().join("hash.txt");
        std::fs::write(&hash_file, "js: Xy_9\nwasm: W2\ncss: C3\n").unwrap();
        let mut options = options(dir.path());
        options.hash_files = true;
        assert_eq!(check_with_hash_file(&options, &hash_file), Ok(()));

        std::fs::write(&hash_file, "js: Other\n").unwrap();
        let error = check_with_hash_file(&options, &hash_file).unwrap_err();
        assert!(error.contains("aura-commerce.Other.js"), "{error}");
    }

    #[test]
    fn a_hashed_site_without_its_hash_list_is_named_with_the_fix() {
        let dir = site(&[("aura-commerce.Xy_9.js", "")]);
        let mut options = options(dir.path());
        options.hash_files = true;
        let error = check_with_hash_file(&options, &dir.path().join("hash.txt")).unwrap_err();
        assert!(error.contains("content-hashed file names"), "{error}");
        assert!(error.contains("cargo leptos build"), "{error}");
    }

    #[test]
    fn a_missing_bundle_is_named_with_the_fix() {
        let dir = site(&[]);
        let error = check(&options(dir.path())).unwrap_err();
        assert!(error.contains("browser bundle is missing"), "{error}");
        assert!(error.contains("cargo leptos build"), "{error}");
    }
}
