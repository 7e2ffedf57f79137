use std::collections::HashMap;
use std::net::SocketAddr;

use super::*;
use crate::auth::identifiers::{IdentifierError, IssuerError};
use crate::auth::server::m2m::SecretFileError;

fn parse_with_notes(vars: &[(&str, &str)]) -> Result<(Settings, Vec<String>), ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_vars(&map)
}

fn parse(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    parse_with_notes(vars).map(|(settings, _)| settings)
}

fn addr(text: &str) -> SocketAddr {
    text.parse().unwrap()
}

/// The browser's part of a real tenant's configuration.
const REMOTE_PUBLIC: [(&str, &str); 3] = [
    ("AUTH0_DOMAIN", "tenant.eu.auth0.com"),
    ("AUTH0_SPA_CLIENT_ID", "spa123"),
    ("AUTH0_AUDIENCE", "https://api.auracommerce.com"),
];

/// A complete real tenant's configuration, the guide's variables.
const REMOTE: [(&str, &str); 5] = [
    ("AUTH0_DOMAIN", "tenant.eu.auth0.com"),
    ("AUTH0_SPA_CLIENT_ID", "spa123"),
    ("AUTH0_AUDIENCE", "https://api.auracommerce.com"),
    ("AUTH0_CLIENT_ID", "m2m456"),
    ("AUTH0_CLIENT_SECRET", "m2m-secret"),
];

fn with(
    base: &[(&'static str, &'static str)],
    extra: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    [base, extra].concat()
}

#[test]
fn no_domain_means_the_local_tenant_on_port_4000_with_its_state_under_target() {
    let settings = parse(&[]).unwrap();
    assert_eq!(settings.public.issuer.as_str(), "http://127.0.0.1:4000/");
    assert_eq!(
        settings.public.client_id.as_str(),
        dev_tenant::DEFAULT_SPA_CLIENT_ID
    );
    assert_eq!(
        settings.tenant,
        TenantSource::Local(LocalTenantSettings {
            addr: addr(DEFAULT_DEV_TENANT_ADDR),
            config_file: None,
            state_dir: DEFAULT_DEV_TENANT_STATE_DIR.into(),
        })
    );
    assert_eq!(settings.database_url.expose(), DEFAULT_DATABASE_URL);
    assert_eq!(settings.database_url.kind(), DatabaseKind::Sqlite);
}

#[test]
fn the_tenant_state_folder_and_the_database_are_settings() {
    let settings = parse(&[
        ("DEV_TENANT_STATE_DIR", "/tmp/aura-tenant"),
        ("DEV_TENANT_CONFIG", "tenant.json"),
        ("DATABASE_URL", "sqlite:///tmp/aura.sqlite"),
    ])
    .unwrap();
    let TenantSource::Local(local) = settings.tenant else {
        panic!("the local tenant")
    };
    assert_eq!(
        local.state_dir,
        std::path::PathBuf::from("/tmp/aura-tenant")
    );
    assert_eq!(local.config_file, Some("tenant.json".into()));
    assert_eq!(settings.database_url.expose(), "sqlite:///tmp/aura.sqlite");
    assert_eq!(settings.database_url.label(), "/tmp/aura.sqlite");
}

#[test]
fn a_postgres_database_url_is_accepted_under_both_schemes_and_never_printed() {
    for url in [
        "postgres://shop:s3cret@db.internal:5433/catalog",
        "postgresql://shop:s3cret@db.internal:5433/catalog",
    ] {
        let settings = parse(&[("DATABASE_URL", url)]).unwrap();
        assert_eq!(settings.database_url.kind(), DatabaseKind::Postgres);
        assert_eq!(settings.database_url.expose(), url);
        assert_eq!(settings.database_url.label(), "db.internal:5433/catalog");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("s3cret"), "{printed}");
    }
}

#[test]
fn a_malformed_database_url_is_refused_without_echoing_it() {
    for (url, kind) in [
        (
            "postgres://shop:s3cret@db.internal:port/catalog",
            "postgres",
        ),
        (
            "postgres://shop:s3cret@db.internal:5432/catalog?sslmode=sometimes",
            "postgres",
        ),
        ("sqlite://catalog.sqlite?mode=sideways", "sqlite"),
    ] {
        let error = parse(&[("DATABASE_URL", url)]).unwrap_err();
        assert_eq!(error, ConfigError::DatabaseUrlMalformed { kind }, "{url}");
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }
}

#[test]
fn a_database_url_of_another_kind_is_refused_without_echoing_it() {
    let error = parse(&[("DATABASE_URL", "mysql://user:pw@db/shop")]).unwrap_err();
    assert_eq!(
        error,
        ConfigError::DatabaseUrl {
            scheme: "mysql".into()
        }
    );
    assert!(!error.to_string().contains("pw"), "{error}");
}

#[test]
fn the_local_tenant_refuses_port_zero_and_non_loopback_addresses() {
    assert_eq!(
        parse(&[("DEV_TENANT_ADDR", "127.0.0.1:0")]).unwrap_err(),
        ConfigError::DevTenantPortZero {
            addr: addr("127.0.0.1:0")
        }
    );
    assert_eq!(
        parse(&[("DEV_TENANT_ADDR", "0.0.0.0:4000")]).unwrap_err(),
        ConfigError::DevTenantNotLoopback {
            addr: addr("0.0.0.0:4000")
        }
    );
    assert_eq!(
        parse(&[("DEV_TENANT_ADDR", "localhost")]).unwrap_err(),
        ConfigError::DevTenantAddr
    );
}

#[test]
fn an_audience_need_not_be_a_url() {
    let settings = parse(&with(&REMOTE, &[("AUTH0_AUDIENCE", "aura-api")])).unwrap();
    assert_eq!(settings.public.audience.as_str(), "aura-api");
}

#[test]
fn a_bare_domain_becomes_an_https_issuer_with_a_trailing_slash() {
    let settings = parse(&REMOTE).unwrap();
    assert_eq!(
        settings.public.issuer.as_str(),
        "https://tenant.eu.auth0.com/"
    );
    assert_eq!(settings.tenant, TenantSource::Auth0);
}

#[test]
fn the_guides_issuer_base_url_without_slash_is_accepted() {
    let vars = with(
        &REMOTE,
        &[("AUTH0_ISSUER_BASE_URL", "https://tenant.eu.auth0.com")],
    );
    assert_eq!(
        parse(&vars).unwrap().public.issuer.as_str(),
        "https://tenant.eu.auth0.com/"
    );
}

#[test]
fn next_public_aliases_are_read() {
    let (settings, notes) = parse_with_notes(&[
        ("NEXT_PUBLIC_AUTH0_DOMAIN", "t.auth0.com"),
        ("NEXT_PUBLIC_AUTH0_CLIENT_ID", "spa"),
        ("NEXT_PUBLIC_AUTH0_AUDIENCE", "https://api.example"),
        ("AUTH0_CLIENT_ID", "m2m"),
        ("AUTH0_CLIENT_SECRET", "s"),
    ])
    .unwrap();
    assert_eq!(settings.public.client_id.as_str(), "spa");
    assert_eq!(settings.public.audience.as_str(), "https://api.example");
    let read = notes
        .iter()
        .find(|n| n.starts_with("Configuration read from"))
        .unwrap();
    assert!(
        read.contains("AUTH0_SPA_CLIENT_ID (as NEXT_PUBLIC_AUTH0_CLIENT_ID)"),
        "{read}"
    );
    assert!(
        read.contains("AUTH0_DOMAIN (as NEXT_PUBLIC_AUTH0_DOMAIN)"),
        "{read}"
    );
    assert!(
        !read.contains("m2m") && !read.contains("=s"),
        "values are not echoed: {read}"
    );
}

/// One row per mistake: the variables, and the variant they are refused with.
#[test]
fn each_mistake_is_refused_with_its_own_error() {
    let cases: Vec<(Vec<(&str, &str)>, ConfigError)> = vec![
        (
            vec![
                ("AUTH0_DOMAIN", "t.auth0.com"),
                ("AUTH0_AUDIENCE", "https://a"),
            ],
            ConfigError::MissingSpaClientId,
        ),
        (
            vec![
                ("AUTH0_DOMAIN", "t.auth0.com"),
                ("AUTH0_SPA_CLIENT_ID", "s"),
            ],
            ConfigError::MissingAudience,
        ),
        (
            with(
                &REMOTE,
                &[("AUTH0_CLIENT_ID", "spa123"), ("AUTH0_CLIENT_SECRET", "x")],
            ),
            ConfigError::SameClientIds,
        ),
        (
            with(&REMOTE_PUBLIC, &[("AUTH0_CLIENT_ID", "m2m")]),
            ConfigError::MissingM2mSecret,
        ),
        (
            with(&REMOTE_PUBLIC, &[("AUTH0_CLIENT_SECRET", "x")]),
            ConfigError::MissingM2mClientId,
        ),
        (REMOTE_PUBLIC.to_vec(), ConfigError::MissingM2mCredentials),
        (
            with(&REMOTE, &[("AUTH0_CLIENT_SECRET", "  ")]),
            ConfigError::EmptySecret {
                name: "AUTH0_CLIENT_SECRET".into(),
            },
        ),
        (
            with(&REMOTE, &[("AUTH0_AUDIENCE", "aura api")]),
            ConfigError::Identifier {
                variable: "AUTH0_AUDIENCE",
                value: "aura api".into(),
                error: IdentifierError::Whitespace,
            },
        ),
        (
            with(&REMOTE, &[("AUTH0_CLIENT_ID", "m2m 456")]),
            ConfigError::Identifier {
                variable: "AUTH0_CLIENT_ID",
                value: "m2m 456".into(),
                error: IdentifierError::Whitespace,
            },
        ),
        (
            with(&REMOTE, &[("NEXT_PUBLIC_AUTH0_CLIENT_SECRET", "x")]),
            ConfigError::SecretUnderPublicName {
                name: "NEXT_PUBLIC_AUTH0_CLIENT_SECRET".into(),
            },
        ),
        (
            with(&REMOTE, &[("AUTH0_SPA_CLIENT_SECRET", "x")]),
            ConfigError::SecretUnderPublicName {
                name: "AUTH0_SPA_CLIENT_SECRET".into(),
            },
        ),
        (
            vec![("NEXT_PUBLIC_AUTH0_SECRET", "x")],
            ConfigError::SecretUnderPublicName {
                name: "NEXT_PUBLIC_AUTH0_SECRET".into(),
            },
        ),
        (
            with(&REMOTE, &[("NEXT_PUBLIC_AUTH0_DOMAIN", "other.auth0.com")]),
            ConfigError::ConflictingNames {
                first: "AUTH0_DOMAIN".into(),
                other: "NEXT_PUBLIC_AUTH0_DOMAIN".into(),
            },
        ),
        (
            with(&REMOTE, &[("AUTH0_DOMAIN", "http://tenant.example.com")]),
            ConfigError::Issuer {
                variable: "AUTH0_DOMAIN",
                error: IssuerError::PlainHttp {
                    host: "tenant.example.com".into(),
                },
            },
        ),
        (
            with(&REMOTE, &[("AUTH0_DOMAIN", "tenant.auth0.com/oauth")]),
            ConfigError::Issuer {
                variable: "AUTH0_DOMAIN",
                error: IssuerError::HasPath,
            },
        ),
        (
            vec![("AI_SERVICE_URL", "http://ai.example.com/api/ai")],
            ConfigError::AiServiceUrlPlainHttp {
                host: "ai.example.com".into(),
            },
        ),
        (
            vec![("AI_SERVICE_URL", "ftp://ai.example")],
            ConfigError::AiServiceUrl {
                value: "ftp://ai.example".into(),
            },
        ),
    ];
    for (vars, expected) in cases {
        let error = parse(&vars).unwrap_err();
        assert_eq!(error, expected, "{vars:?}");
    }
}

#[test]
fn each_sentence_names_its_variable() {
    let error = parse(&with(
        &REMOTE,
        &[("AUTH0_DOMAIN", "http://tenant.example.com")],
    ))
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("AUTH0_DOMAIN uses plain http:// for tenant.example.com"),
        "{error}"
    );
    let error = parse(&with(&REMOTE, &[("AUTH0_AUDIENCE", "aura api")])).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("AUTH0_AUDIENCE is 'aura api', which contains whitespace"),
        "{error}"
    );
}

#[test]
fn the_ai_service_may_be_plain_http_on_loopback_only() {
    for url in [
        "https://ai.example.com/api/ai",
        "http://127.0.0.1:9000/api/ai",
        "http://localhost:9000/api/ai",
    ] {
        let settings = parse(&[("AI_SERVICE_URL", url)]).unwrap();
        assert_eq!(settings.ai_service_url.as_deref(), Some(url));
    }
}

#[test]
fn token_storage_is_configurable_and_checked() {
    let settings = parse(&[("AUTH0_TOKEN_STORAGE", "session")]).unwrap();
    assert_eq!(settings.public.token_storage, TokenStorageKind::Session);
    assert_eq!(
        parse(&[("AUTH0_TOKEN_STORAGE", "cookie")]).unwrap_err(),
        ConfigError::TokenStorage {
            value: "cookie".into()
        }
    );
}

fn secret_file(name: &str, contents: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("aura-config-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[test]
fn the_secret_can_come_from_a_file_without_its_trailing_newline() {
    use secrecy::ExposeSecret;
    let path = secret_file("ok", "from-a-file\n");
    let path_text = path.display().to_string();
    let mut vars = REMOTE_PUBLIC.to_vec();
    vars.extend([
        ("AUTH0_CLIENT_ID", "m2m"),
        ("AUTH0_CLIENT_SECRET_FILE", path_text.as_str()),
    ]);
    let m2m = parse(&vars).unwrap().m2m.unwrap();
    assert_eq!(m2m.client_secret.expose_secret(), "from-a-file");
    assert_eq!(m2m.client_secret_file, Some(path));
}

#[test]
fn a_secret_file_that_is_unreadable_or_empty_or_doubled_is_refused() {
    let empty = secret_file("empty", "\n").display().to_string();
    let missing = std::env::temp_dir()
        .join("aura-config-no-such-secret")
        .display()
        .to_string();
    let base = with(&REMOTE_PUBLIC, &[("AUTH0_CLIENT_ID", "m2m")]);
    let parse_with = |extra: &[(&str, &str)]| parse(&[&base[..], extra].concat()).unwrap_err();

    assert!(matches!(
        parse_with(&[("AUTH0_CLIENT_SECRET_FILE", &missing)]),
        ConfigError::SecretFile(SecretFileError::Unreadable { .. })
    ));
    assert_eq!(
        parse_with(&[("AUTH0_CLIENT_SECRET_FILE", &empty)]),
        ConfigError::SecretFile(SecretFileError::Empty {
            path: empty.clone()
        })
    );
    assert_eq!(
        parse_with(&[
            ("AUTH0_CLIENT_SECRET_FILE", &missing),
            ("AUTH0_CLIENT_SECRET", "x")
        ]),
        ConfigError::SecretAndSecretFile
    );
}

#[test]
fn a_port_from_a_separate_backend_gets_a_note_naming_where_the_api_is() {
    let (_, notes) = parse_with_notes(&[("PORT", "8000")]).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("PORT is set but unused") && n.contains("127.0.0.1:3000/api/")),
        "{notes:?}"
    );
}

#[test]
fn jwt_secret_and_ignored_variables_get_one_note_each() {
    let (_, notes) =
        parse_with_notes(&[("JWT_SECRET", "x"), ("AUTH0_CLIENT_SECRET", "y")]).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("JWT_SECRET is set but unused")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("local tenant is used and AUTH0_CLIENT_SECRET are ignored")),
        "{notes:?}"
    );
    assert!(
        !notes.iter().any(|n| n.contains('y') && n.contains("=")),
        "{notes:?}"
    );
}

#[test]
fn api_cors_origins_are_origins_only() {
    let settings = parse(&[(
        "API_CORS_ORIGINS",
        "https://shop.example.com, http://127.0.0.1:8080",
    )])
    .unwrap();
    assert_eq!(
        settings.api_cors_origins,
        ["https://shop.example.com", "http://127.0.0.1:8080"]
    );
    for bad in ["*", "https://shop.example.com/api", "shop.example.com"] {
        assert_eq!(
            parse(&[("API_CORS_ORIGINS", bad)]).unwrap_err(),
            ConfigError::CorsOrigin { value: bad.into() },
            "{bad}"
        );
    }
}

#[test]
fn the_secret_never_prints() {
    let settings = parse(&[]).unwrap();
    let printed = format!("{settings:?}");
    assert!(
        !printed.contains(dev_tenant::DEFAULT_M2M_CLIENT_SECRET),
        "{printed}"
    );
}

#[test]
fn dpop_is_off_unless_asked_for_and_a_bad_value_is_refused_by_name() {
    let settings = parse(&[]).unwrap();
    assert_eq!(settings.public.dpop, DpopMode::Off);
    assert_eq!(settings.dpop, DpopServerSettings::default());

    let settings = parse(&with(
        &REMOTE,
        &[
            ("AUTH0_DPOP", "on"),
            ("AUTH0_DPOP_NONCE", "on"),
            ("APP_PUBLIC_ORIGIN", "https://shop.example.com/"),
        ],
    ))
    .unwrap();
    assert_eq!(settings.public.dpop, DpopMode::On);
    assert!(settings.dpop.nonce);
    assert_eq!(
        settings.dpop.public_origin.as_deref(),
        Some("https://shop.example.com")
    );
    assert_eq!(
        parse(&[("AUTH0_DPOP", "on")]).unwrap().public.dpop,
        DpopMode::On,
        "the local tenant honours DPoP too"
    );

    let refused = parse(&[("AUTH0_DPOP", "yes")]).unwrap_err();
    assert_eq!(
        refused,
        ConfigError::Switch {
            variable: "AUTH0_DPOP",
            value: "yes".into()
        }
    );
    assert_eq!(refused.to_string(), "AUTH0_DPOP is 'yes': use off or on.");
    assert_eq!(
        parse(&[("APP_PUBLIC_ORIGIN", "https://shop.example.com/app")]).unwrap_err(),
        ConfigError::PublicOrigin {
            value: "https://shop.example.com/app".into()
        }
    );
}
