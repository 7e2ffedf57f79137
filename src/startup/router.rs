//! [`router`]: the whole HTTP surface — pages, server functions, the REST API, health, static
//! files — with the layers every response goes through.

use axum::extract::DefaultBodyLimit;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

use crate::access_log::access_log_layer;
use crate::app::{shell, App};
use crate::app_state::AppState;
use crate::security_headers::add_security_headers;
use crate::startup::site_assets::{never_store_by_default, site_assets, site_icon};

/// Largest request body accepted (server-function arguments and REST bodies are small).
const MAX_REQUEST_BODY_BYTES: usize = 64 * 1024;

/// Pages, server functions, the REST API, health and static files, for `state`.
pub fn router(state: AppState) -> Router {
    let icon = site_icon(&state.leptos_options);
    let context = {
        let icon = icon.icon.clone();
        let public = state.public.clone();
        let validator = state.validator.clone();
        let products = state.products.clone();
        let m2m = state.m2m.clone();
        let ai_service = state.ai_service.clone();
        move || {
            provide_context(icon.clone());
            provide_context(public.clone());
            provide_context(validator.clone());
            provide_context(products.clone());
            if let Some(m2m) = &m2m {
                provide_context(m2m.clone());
            }
            if let Some(ai_service) = &ai_service {
                provide_context(ai_service.clone());
            }
        }
    };
    register_server_functions();
    let routes = generate_route_list(App);
    Router::new()
        .merge(crate::api::router(&state.api_cors_origins))
        .merge(site_assets(&state.leptos_options, &icon))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        // 413 before any handler reads a body that is too large (by its Content-Length or as
        // it streams), for pages, server functions and the REST API alike.
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY_BYTES))
        .layer(DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(add_security_headers))
        .layer(axum::middleware::from_fn(never_store_by_default))
        // Pages, JSON and any file the build did not precompress shrink to about a third.
        .layer(CompressionLayer::new())
        // Outermost: one access-log line per request, whatever answered it.
        .layer(access_log_layer())
        .with_state(state)
}

/// Registers every server function by name. Registration otherwise rides on link-time
/// collection, which a linker may drop for a function no page references yet; naming them
/// here makes the routes exist in every binary, tests included.
fn register_server_functions() {
    use crate::catalog::server_fns::{
        GetProduct, GetProducts, RecentChanges, Recommendations, UpdateProduct,
    };
    use leptos::server_fn::axum::register_explicit;
    register_explicit::<GetProducts>();
    register_explicit::<GetProduct>();
    register_explicit::<UpdateProduct>();
    register_explicit::<RecentChanges>();
    register_explicit::<Recommendations>();
}
