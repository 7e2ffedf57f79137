//! The access log: one line per request through tower-http's `TraceLayer` — method, path (never
//! the query: it can hold search words or, from a careless client, a token), status, latency,
//! and, when they are known, the caller and the reason a request was refused.
//!
//! The request's span carries empty `caller` and `refused` fields; the auth code fills them in
//! ([`record_caller`], [`record_refusal`]) while it runs inside that span. This module imports
//! nothing of the app, so both the router and `auth` can use it. Neither ever holds a
//! token or a secret: the caller is the token's `sub` (or an M2M client's ID), the reason the
//! rejection's own words.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The layer: a span per request, and one INFO line when its answer is ready.
#[allow(clippy::type_complexity)]
pub fn access_log_layer() -> TraceLayer<
    SharedClassifier<ServerErrorsAsFailures>,
    impl Fn(&Request<Body>) -> Span + Clone,
    (),
    impl Fn(&Response<Body>, Duration, &Span) + Clone,
    (),
    (),
    (),
> {
    TraceLayer::new_for_http()
        .make_span_with(|request: &Request<Body>| {
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                caller = tracing::field::Empty,
                refused = tracing::field::Empty,
            )
        })
        .on_request(())
        .on_response(
            |response: &Response<Body>, latency: Duration, _span: &Span| {
                tracing::info!(
                    target: "access",
                    status = response.status().as_u16(),
                    latency_ms = latency.as_secs_f64() * 1000.0,
                    "answered"
                );
            },
        )
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

/// Notes who is calling (a token's `sub`, or an M2M client's ID) on the request's line.
pub fn record_caller(caller: &str) {
    Span::current().record("caller", caller);
}

/// Notes why the request was refused (401/403/400 from the auth checks).
pub fn record_refusal(reason: &str) {
    Span::current().record("refused", reason);
}
