//! Two facts only the build knows:
//!
//! - Whether this WASM build will be split into chunks (`cargo leptos … --split`). cargo-leptos
//!   then links with `--emit-relocs` (wasm-split needs the relocations), which this script sees
//!   in `CARGO_ENCODED_RUSTFLAGS`; it sets `cfg(wasm_split)`, and only then are pages and lazy
//!   functions compiled as separate chunks. Any other build (`cargo leptos watch`, `build`,
//!   `serve` as typed) loads everything eagerly from one bundle instead of importing chunks
//!   nothing will provide.
//! - That `sqlx::migrate!` embeds `migrations/`: a new migration must rebuild the server.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasm_split)");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo::rerun-if-changed=migrations");
    println!("cargo::rerun-if-changed=build.rs");

    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|arch| arch == "wasm32");
    let relocations = std::env::var("CARGO_ENCODED_RUSTFLAGS")
        .unwrap_or_default()
        .split('\u{1f}')
        .any(|flag| flag.contains("--emit-relocs"));
    if wasm && relocations {
        println!("cargo::rustc-cfg=wasm_split");
    }
}
