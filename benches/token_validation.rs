//! What validating a bearer token costs, against what the RSA check alone costs, in one run:
//!
//! - (a) a raw RSA-2048 PKCS#1 v1.5 SHA-256 verification with aws-lc-rs and a parsed key, the
//!   floor no validator can go under;
//! - (b) `TokenValidator::validate` on tokens it has never seen (every check of DESIGN §5);
//! - (c) `TokenValidator::validate` on tokens already in its verified-token cache;
//! - (d) for reference, `jsonwebtoken::decode` with the same backend on the same tokens.
//!
//! Targets: (b)/(a) ≤ 1.3 and (c) ≤ 2 µs. Run with
//! `cargo bench -p aura-commerce --features ssr --bench token_validation`; the summary at the
//! end prints the medians and the ratio.

use std::hint::black_box;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aura_commerce::auth::server::{JwksSettings, TokenValidator, ValidatorSettings};
use aura_commerce::auth::{Audience, Issuer};
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::Criterion;
use serde_json::json;

mod support;
use support::median_ns;

/// Criterion's name for this benchmark's group (and its results folder).
const GROUP: &str = "token_validation";

const ISSUER: &str = "https://aura-commerce.eu.auth0.com/";
const AUDIENCE: &str = "https://api.auracommerce.com";
const KID: &str = "Xq3vJb8mQkR2tL9wN4yZ1";
/// Distinct tokens cycled through, so (b) always meets a token for the first time.
const TOKENS: usize = 256;

struct Fixture {
    public_key: ParsedPublicKey,
    jwks: String,
    n: String,
    e: String,
    tokens: Vec<String>,
    /// `(signing input, signature)` of each token, decoded, for (a).
    signed: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Tokens shaped like Auth0's user access tokens (about 900 bytes), signed with a fresh key.
fn fixture() -> Fixture {
    let pair = KeyPair::generate(KeySize::Rsa2048).expect("an RSA key");
    let public = PublicKeyComponents::<Vec<u8>>::from(pair.public_key());
    let n = URL_SAFE_NO_PAD.encode(&public.n);
    let e = URL_SAFE_NO_PAD.encode(&public.e);
    let jwks = json!({ "keys": [{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": n, "e": e }] })
        .to_string();
    let public_key = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, pair.public_key().as_ref())
        .expect("a parsed key");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let header =
        URL_SAFE_NO_PAD.encode(json!({ "alg": "RS256", "typ": "JWT", "kid": KID }).to_string());
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let mut tokens = Vec::new();
    let mut signed = Vec::new();
    for i in 0..TOKENS {
        let claims = json!({
            "iss": ISSUER,
            "sub": format!("auth0|65f1c2d3e4b5a6978{i:06}"),
            "aud": [AUDIENCE, format!("{ISSUER}userinfo")],
            "iat": now - i as u64,
            "exp": now + 86_400,
            "scope": "openid profile email offline_access read:products",
            "azp": "kD7yQw2sV9nB4xT6mR1pL8cZ3fH5jG0e",
            "permissions": ["read:products"],
        });
        let input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
        let mut signature = vec![0; pair.public_modulus_len()];
        pair.sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut signature)
            .expect("a signature");
        tokens.push(format!("{input}.{}", URL_SAFE_NO_PAD.encode(&signature)));
        signed.push((input.into_bytes(), signature));
    }
    Fixture {
        public_key,
        jwks,
        n,
        e,
        tokens,
        signed,
    }
}

fn validator(fixture: &Fixture) -> TokenValidator {
    let validator = TokenValidator::new(
        ValidatorSettings::new(
            &Issuer::parse(ISSUER).unwrap(),
            &Audience::parse(AUDIENCE).unwrap(),
        ),
        JwksSettings::default(),
    );
    validator
        .keys()
        .load_key_set(fixture.jwks.as_bytes())
        .expect("the key set loads");
    validator
}

fn benches(c: &mut Criterion, fixture: &Fixture) {
    let mut group = c.benchmark_group(GROUP);

    group.bench_function("a_raw_rsa_verify", |b| {
        let mut i = 0;
        b.iter(|| {
            let (input, signature) = &fixture.signed[i % TOKENS];
            i += 1;
            fixture
                .public_key
                .verify_sig(black_box(input), black_box(signature))
                .expect("valid")
        })
    });

    let first_sight = validator(fixture);
    group.bench_function("b_validate_first_sight", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters as usize;
            while left > 0 {
                let batch = left.min(TOKENS);
                // Untimed: make every token of the batch unknown to the cache again.
                for token in &fixture.tokens[..batch] {
                    first_sight.forget(token);
                }
                let started = Instant::now();
                for token in &fixture.tokens[..batch] {
                    let claims =
                        futures::executor::block_on(first_sight.validate(black_box(token)));
                    black_box(claims.expect("valid"));
                }
                spent += started.elapsed();
                left -= batch;
            }
            spent
        })
    });

    let cached = validator(fixture);
    for token in &fixture.tokens {
        futures::executor::block_on(cached.validate(token)).expect("valid");
    }
    group.bench_function("c_validate_cached", |b| {
        let mut i = 0;
        b.iter(|| {
            let token = &fixture.tokens[i % TOKENS];
            i += 1;
            futures::executor::block_on(cached.validate(black_box(token))).expect("valid")
        })
    });

    let key =
        jsonwebtoken::DecodingKey::from_rsa_components(&fixture.n, &fixture.e).expect("a key");
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.leeway = 5;
    group.bench_function("d_jsonwebtoken_decode", |b| {
        let mut i = 0;
        b.iter(|| {
            let token = &fixture.tokens[i % TOKENS];
            i += 1;
            jsonwebtoken::decode::<serde_json::Value>(black_box(token), &key, &validation)
                .expect("valid")
        })
    });
    group.finish();
}

fn main() {
    // Only this run's figures may be summarised.
    support::forget_earlier_runs(
        GROUP,
        &[
            "a_raw_rsa_verify",
            "b_validate_first_sight",
            "c_validate_cached",
            "d_jsonwebtoken_decode",
        ],
    );
    let fixture = fixture();
    let mut criterion = support::criterion();
    benches(&mut criterion, &fixture);
    criterion.final_summary();

    let (Some(raw), Some(first), Some(cached)) = (
        median_ns(GROUP, "a_raw_rsa_verify"),
        median_ns(GROUP, "b_validate_first_sight"),
        median_ns(GROUP, "c_validate_cached"),
    ) else {
        return; // e.g. `--test` mode or a filter: nothing measured to summarise
    };
    let reference = median_ns(GROUP, "d_jsonwebtoken_decode");
    let ratio = first / raw;
    println!();
    println!("Token validation, medians of this run:");
    println!(
        "  (a) raw RSA-2048 PKCS#1 v1.5 SHA-256 verify     {:>9.2} µs",
        raw / 1e3
    );
    println!(
        "  (b) full validation, token seen the first time  {:>9.2} µs",
        first / 1e3
    );
    println!(
        "  (c) validation, token in the verified cache     {:>9.3} µs",
        cached / 1e3
    );
    if let Some(reference) = reference {
        println!(
            "  (d) jsonwebtoken::decode, for reference          {:>9.2} µs",
            reference / 1e3
        );
    }
    println!(
        "  (b)/(a) = {ratio:.3} (target ≤ 1.30: {})   (c) = {:.3} µs (target ≤ 2 µs: {})",
        if ratio <= 1.3 { "met" } else { "MISSED" },
        cached / 1e3,
        if cached <= 2_000.0 { "met" } else { "MISSED" },
    );
}
