//! [`ConfigError`]: every configuration mistake the server refuses to start with, each phrased
//! as one sentence naming the variable and the fix. Values that could be secret are never
//! echoed.

use crate::auth::identifiers::{IdentifierError, IssuerError};
use crate::auth::server::m2m::SecretFileError;

/// A configuration mistake. Tests match the variant; operators read the sentence.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} holds a secret under a public name: a Single Page Application has no client secret, and anything public is sent to browsers. Delete {name}; the Machine to Machine application's secret belongs in AUTH0_CLIENT_SECRET (server only).")]
    SecretUnderPublicName { name: String },

    #[error("{first} and {other} are both set, to different values: keep one of them.")]
    ConflictingNames { first: String, other: String },

    #[error("{name} is set but empty: paste the Machine to Machine application's Client Secret, or remove the variable.")]
    EmptySecret { name: String },

    #[error("AUTH0_TOKEN_STORAGE is '{value}': use local, session or memory.")]
    TokenStorage { value: String },

    #[error("{variable} is '{value}': use off or on.")]
    Switch {
        variable: &'static str,
        value: String,
    },

    #[error("APP_PUBLIC_ORIGIN is '{value}': give the origin browsers use to reach this app, like https://shop.example.com (no path).")]
    PublicOrigin { value: String },

    #[error("AI_SERVICE_URL is '{value}': use the service's base URL, e.g. https://ai.internal.example/api/ai.")]
    AiServiceUrl { value: String },

    #[error("AI_SERVICE_URL uses plain http:// for {host}: the M2M token travels to the AI service and would be readable on the way, so use https:// (http is only accepted on loopback).")]
    AiServiceUrlPlainHttp { host: String },

    #[error("API_CORS_ORIGINS has '{value}': list origins like https://shop.example.com, separated by commas (no paths, no '*').")]
    CorsOrigin { value: String },

    #[error("DEV_TENANT_ADDR must be an address like 127.0.0.1:4000.")]
    DevTenantAddr,

    #[error("DEV_TENANT_ADDR is {addr}: the local tenant only listens on loopback (127.0.0.1 or [::1]).")]
    DevTenantNotLoopback { addr: std::net::SocketAddr },

    // The issuer the browser and the key fetches use is built from this address, so the port
    // must be the one the tenant really gets.
    #[error("DEV_TENANT_ADDR is {addr}: name a fixed port, e.g. 127.0.0.1:4000 (the tenant's address is its issuer URL).")]
    DevTenantPortZero { addr: std::net::SocketAddr },

    #[error("{variable} {error}.")]
    Issuer {
        variable: &'static str,
        error: IssuerError,
    },

    #[error("AUTH0_SPA_CLIENT_ID is not set: copy the Client ID of your Single Page Application from the Auth0 dashboard.")]
    MissingSpaClientId,

    #[error("AUTH0_AUDIENCE is not set: use your API's identifier from Auth0 → Applications → APIs, e.g. https://api.auracommerce.com.")]
    MissingAudience,

    #[error("{variable} is '{value}', which {error}: copy it exactly as the Auth0 dashboard shows it (an API Identifier such as https://api.auracommerce.com, or an application's Client ID).")]
    Identifier {
        variable: &'static str,
        value: String,
        error: IdentifierError,
    },

    #[error("AUTH0_CLIENT_SECRET and AUTH0_CLIENT_SECRET_FILE are both set: keep only one, the file for a mounted secret or the variable otherwise.")]
    SecretAndSecretFile,

    #[error(transparent)]
    SecretFile(#[from] SecretFileError),

    #[error("AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET are not set: the server calls other services (the AI recommendations) with a Machine to Machine application's token; create one authorised for your API and set its Client ID and Client Secret (server only).")]
    MissingM2mCredentials,

    #[error("AUTH0_CLIENT_ID is set but AUTH0_CLIENT_SECRET is not: copy the Machine to Machine application's Client Secret (or name a file holding it in AUTH0_CLIENT_SECRET_FILE).")]
    MissingM2mSecret,

    #[error("AUTH0_CLIENT_SECRET is set but AUTH0_CLIENT_ID is not: set the Machine to Machine application's Client ID beside its secret.")]
    MissingM2mClientId,

    #[error("AUTH0_CLIENT_ID equals AUTH0_SPA_CLIENT_ID: the Single Page Application and the Machine to Machine application are two different applications with different Client IDs.")]
    SameClientIds,

    // Not the value itself: a database URL can hold a password.
    #[error("DATABASE_URL starts with '{scheme}:': use sqlite://path/to/catalog.sqlite (the default is sqlite://data/aura-commerce.sqlite) or postgres://user:password@host:5432/database.")]
    DatabaseUrl { scheme: String },

    // Not the value itself either.
    #[error(
        "DATABASE_URL is not a valid {kind} URL: write it as {}.",
        database_url_example(kind)
    )]
    DatabaseUrlMalformed { kind: &'static str },
}

fn database_url_example(kind: &str) -> &'static str {
    match kind {
        "sqlite" => "sqlite://path/to/catalog.sqlite",
        _ => "postgres://user:password@host:5432/database (a port is a number; special characters in the password percent-encoded)",
    }
}
