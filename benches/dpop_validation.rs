//! What accepting a DPoP-protected request costs, against what its P-256 signature check alone
//! costs, in one run:
//!
//! - (a) a raw ECDSA P-256 SHA-256 verification with aws-lc-rs and a parsed key, the floor;
//! - (b) the whole decision for `GET /api/products` with `Authorization: DPoP <token>` and a
//!   fresh proof (`token_presentation::presented_claims`): the token from the verified-token
//!   cache, then every proof check of DESIGN §5 — header, key, signature, claims, `ath`,
//!   `cnf.jkt`, the replay cache.
//!
//! Target: (b)/(a) ≤ 1.5. Run with
//! `cargo bench -p aura-commerce --features ssr --bench dpop_validation`; the summary at the end
//! prints the medians and the ratio.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aura_commerce::auth::server::token_presentation::{presented_claims, RequestHead};
use aura_commerce::auth::server::{
    DpopSettings, DpopVerifier, JwksSettings, TokenValidator, ValidatorSettings,
};
use aura_commerce::auth::{Audience, Issuer};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{
    EcdsaKeyPair, KeyPair as _, ParsedPublicKey, ECDSA_P256_SHA256_FIXED,
    ECDSA_P256_SHA256_FIXED_SIGNING, RSA_PKCS1_SHA256,
};
use axum::http::{HeaderMap, HeaderValue, Method};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use criterion::Criterion;
use serde_json::json;
use sha2::{Digest, Sha256};

mod support;
use support::median_ns;

/// Criterion's name for this benchmark's group (and its results folder).
const GROUP: &str = "dpop_validation";

const ISSUER: &str = "https://aura-commerce.eu.auth0.com/";
const AUDIENCE: &str = "https://api.auracommerce.com";
const ORIGIN: &str = "https://shop.auracommerce.com";
const PATH: &str = "/api/products";
const KID: &str = "Xq3vJb8mQkR2tL9wN4yZ1";
/// Proofs made (untimed) ahead of each timed batch: each is used once, as a browser would.
const BATCH: usize = 256;

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The browser's side: its key, and a fresh proof for each request.
struct Browser {
    key: EcdsaKeyPair,
    jwk: serde_json::Value,
    token: String,
    ath: String,
}

impl Browser {
    fn proof(&self) -> String {
        static JTI: AtomicU64 = AtomicU64::new(0);
        let header = json!({ "typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk });
        let claims = json!({
            "jti": format!("9f0c6a1e-{:012}", JTI.fetch_add(1, Ordering::Relaxed)),
            "htm": "GET",
            "htu": format!("{ORIGIN}{PATH}"),
            "iat": unix_now(),
            "ath": self.ath,
        });
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let signature = self
            .key
            .sign(&SystemRandom::new(), input.as_bytes())
            .unwrap();
        format!("{input}.{}", b64(signature.as_ref()))
    }
}

/// An Auth0-shaped user access token bound to a fresh P-256 key, and a validator (DPoP on) that
/// has it in its verified-token cache.
fn fixture() -> (Browser, TokenValidator) {
    let key = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).unwrap();
    let point = key.public_key().as_ref();
    let jwk =
        json!({ "kty": "EC", "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..65]) });
    let canonical = format!(
        r#"{{"crv":"P-256","kty":"EC","x":{},"y":{}}}"#,
        jwk["x"], jwk["y"]
    );
    let jkt = b64(Sha256::digest(canonical.as_bytes()));

    let rsa = KeyPair::generate(KeySize::Rsa2048).unwrap();
    let public = PublicKeyComponents::<Vec<u8>>::from(rsa.public_key());
    let jwks = json!({ "keys": [{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KID, "n": b64(&public.n), "e": b64(&public.e) }] });
    let now = unix_now();
    let header = b64(json!({ "alg": "RS256", "typ": "JWT", "kid": KID }).to_string());
    let claims = json!({
        "iss": ISSUER,
        "sub": "auth0|65f1c2d3e4b5a6978000001",
        "aud": [AUDIENCE, format!("{ISSUER}userinfo")],
        "iat": now,
        "exp": now + 86_400,
        "scope": "openid profile email offline_access read:products",
        "azp": "kD7yQw2sV9nB4xT6mR1pL8cZ3fH5jG0e",
        "permissions": ["read:products"],
        "cnf": { "jkt": jkt },
    });
    let input = format!("{header}.{}", b64(claims.to_string()));
    let mut signature = vec![0; rsa.public_modulus_len()];
    rsa.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut signature,
    )
    .unwrap();
    let token = format!("{input}.{}", b64(&signature));

    let dpop = DpopSettings {
        // Every proof of the run stays remembered (its window is two minutes).
        replay_capacity: 10_000_000,
        ..DpopSettings::new(vec![ORIGIN.to_owned()])
    };
    let validator = TokenValidator::new(
        ValidatorSettings::new(
            &Issuer::parse(ISSUER).unwrap(),
            &Audience::parse(AUDIENCE).unwrap(),
        ),
        JwksSettings::default(),
    )
    .with_dpop(DpopVerifier::new(dpop, now));
    validator
        .keys()
        .load_key_set(jwks.to_string().as_bytes())
        .unwrap();
    futures::executor::block_on(validator.validate(&token)).expect("the token validates");
    let ath = b64(Sha256::digest(token.as_bytes()));
    (
        Browser {
            key,
            jwk,
            token,
            ath,
        },
        validator,
    )
}

fn benches(c: &mut Criterion, browser: &Browser, validator: &TokenValidator) {
    let mut group = c.benchmark_group(GROUP);

    // The same signing input and signature shape as a proof's.
    let proof = browser.proof();
    let (input, signature) = proof.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    let public_key =
        ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, browser.key.public_key().as_ref()).unwrap();
    group.bench_function("a_raw_p256_verify", |b| {
        b.iter(|| {
            public_key
                .verify_sig(black_box(input.as_bytes()), black_box(&signature))
                .expect("valid")
        })
    });

    let authorization = HeaderValue::from_str(&format!("DPoP {}", browser.token)).unwrap();
    let method = Method::GET;
    group.bench_function("b_dpop_request_token_cached", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            let mut left = iters as usize;
            while left > 0 {
                let batch = left.min(BATCH);
                // Untimed: the requests, each with its own fresh proof.
                let requests: Vec<HeaderMap> = (0..batch)
                    .map(|_| {
                        let mut headers = HeaderMap::new();
                        headers.insert("authorization", authorization.clone());
                        headers.insert("dpop", HeaderValue::from_str(&browser.proof()).unwrap());
                        headers
                    })
                    .collect();
                let started = Instant::now();
                for headers in &requests {
                    let request = RequestHead {
                        method: &method,
                        path: PATH,
                        headers,
                    };
                    let claims = futures::executor::block_on(presented_claims(
                        validator,
                        black_box(&request),
                    ));
                    black_box(claims.expect("accepted"));
                }
                spent += started.elapsed();
                left -= batch;
            }
            spent
        })
    });
    group.finish();
}

fn main() {
    // Only this run's figures may be summarised.
    support::forget_earlier_runs(GROUP, &["a_raw_p256_verify", "b_dpop_request_token_cached"]);
    let (browser, validator) = fixture();
    let mut criterion = support::criterion();
    benches(&mut criterion, &browser, &validator);
    criterion.final_summary();

    let (Some(raw), Some(request)) = (
        median_ns(GROUP, "a_raw_p256_verify"),
        median_ns(GROUP, "b_dpop_request_token_cached"),
    ) else {
        return; // e.g. `--test` mode or a filter: nothing measured to summarise
    };
    let ratio = request / raw;
    println!();
    println!("DPoP-protected request, medians of this run:");
    println!(
        "  (a) raw ECDSA P-256 SHA-256 verify                 {:>8.2} µs",
        raw / 1e3
    );
    println!(
        "  (b) DPoP request accepted, token cached, new proof {:>8.2} µs",
        request / 1e3
    );
    println!(
        "  (b)/(a) = {ratio:.3} (target ≤ 1.50: {})",
        if ratio <= 1.5 { "met" } else { "MISSED" }
    );
}
