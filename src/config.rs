//! Configuration, parsed once at start from the environment (and `.env`).
//!
//! The browser's part ([`PublicAuthConfig`]) and the server's part are separate types; the M2M
//! secret is only ever held as a [`SecretString`], which never prints.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use secrecy::SecretString;

use crate::auth::server::m2m_secret::read_secret_file;

use crate::auth::public_config::TokenStorageKind;
use crate::auth::PublicAuthConfig;

/// Where the local tenant listens when no Auth0 domain is configured.
pub const DEFAULT_DEV_TENANT_ADDR: &str = "127.0.0.1:4000";

/// Which tenant signs tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantSource {
    /// A real Auth0 tenant (`AUTH0_DOMAIN` is set).
    Auth0,
    /// The built-in local tenant on a loopback address (`AUTH0_DOMAIN` is unset), optionally
    /// extended by a JSON file (`DEV_TENANT_CONFIG`: more users, clients, shorter lifetimes).
    Local {
        addr: SocketAddr,
        config_file: Option<std::path::PathBuf>,
    },
}

/// The Machine-to-Machine application's credentials (server only).
#[derive(Clone, Debug)]
pub struct M2mCredentials {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Where the secret was read from (`AUTH0_CLIENT_SECRET_FILE`), so that a rotated secret
    /// can be re-read without a restart; `None` for `AUTH0_CLIENT_SECRET`.
    pub client_secret_file: Option<PathBuf>,
}

/// Everything the server needs, validated.
#[derive(Clone, Debug)]
pub struct Settings {
    pub public: PublicAuthConfig,
    pub tenant: TenantSource,
    pub m2m: Option<M2mCredentials>,
    /// Base URL of the AI recommendation service (`AI_SERVICE_URL`); `None` means this app's
    /// own `/api/ai`.
    pub ai_service_url: Option<String>,
    /// Browser origins allowed to call the REST API (`API_CORS_ORIGINS`, comma-separated);
    /// empty by default, so no other site's pages can.
    pub api_cors_origins: Vec<String>,
}

/// A configuration mistake, phrased as what to fix.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Settings {
    /// Reads the process environment (after loading `.env`, whose values real variables
    /// override), and logs which variables were read and anything set but unused.
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        let vars: HashMap<String, String> = std::env::vars().collect();
        let (settings, notes) = Self::from_vars(&vars)?;
        for note in notes {
            tracing::info!("{note}");
        }
        Ok(settings)
    }

    /// Parses settings from a set of variables (tests pass a map), returning them with notes
    /// worth telling the operator (aliases read, variables ignored).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<(Self, Vec<String>), ConfigError> {
        let env = EnvVars::new(vars);
        refuse_secrets_under_public_names(vars)?;
        let mut notes = Vec::new();
        if env.is_set("JWT_SECRET") {
            notes.push("JWT_SECRET is set but unused: access tokens are verified with the tenant's public keys (RS256, from its JWKS), so no shared secret exists to configure; you can delete it.".to_owned());
        }
        // The guide's separate backend listened on PORT (8000); here one server holds the
        // pages and the REST API.
        if env.is_set("PORT") {
            notes.push("PORT is set but unused: the pages and the REST API are served together at LEPTOS_SITE_ADDR (default 127.0.0.1:3000), so call http://127.0.0.1:3000/api/… where a guide says localhost:8000.".to_owned());
        }
        let token_storage = match env.get(&["AUTH0_TOKEN_STORAGE"])? {
            None => TokenStorageKind::default(),
            Some(value) => TokenStorageKind::parse(&value).ok_or_else(|| {
                ConfigError(format!(
                    "AUTH0_TOKEN_STORAGE is '{value}': use local, session or memory."
                ))
            })?,
        };
        let ai_service_url = match env.get(&["AI_SERVICE_URL"])? {
            None => None,
            Some(url) => match url::Url::parse(&url) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Some(url),
                _ => return Err(ConfigError(format!("AI_SERVICE_URL is '{url}': use the service's base URL, e.g. https://ai.internal.example/api/ai."))),
            },
        };
        let api_cors_origins = match env.get(&["API_CORS_ORIGINS"])? {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(parse_origin)
                .collect::<Result<_, _>>()?,
        };
        let Some(domain) = env.get(&["AUTH0_DOMAIN", "NEXT_PUBLIC_AUTH0_DOMAIN"])? else {
            let mut settings = Self::local(env.get(&["DEV_TENANT_ADDR"])?)?;
            settings.ai_service_url = ai_service_url;
            settings.api_cors_origins = api_cors_origins;
            if let TenantSource::Local { config_file, .. } = &mut settings.tenant {
                *config_file = env.get(&["DEV_TENANT_CONFIG"])?.map(Into::into);
            }
            settings.public.token_storage = token_storage;
            let ignored: Vec<&str> = [
                "AUTH0_SPA_CLIENT_ID",
                "AUTH0_AUDIENCE",
                "AUTH0_CLIENT_ID",
                "AUTH0_CLIENT_SECRET",
                "AUTH0_CLIENT_SECRET_FILE",
                "AUTH0_ISSUER_BASE_URL",
            ]
            .into_iter()
            .filter(|name| env.is_set(name))
            .collect();
            if !ignored.is_empty() {
                notes.push(format!(
                    "AUTH0_DOMAIN is not set, so the local tenant is used and {} are ignored.",
                    ignored.join(", ")
                ));
            }
            return Ok((settings, notes));
        };

        let issuer = match env.get(&["AUTH0_ISSUER_BASE_URL"])? {
            Some(url) => normalise_issuer(&url, "AUTH0_ISSUER_BASE_URL")?,
            None => normalise_issuer(&domain, "AUTH0_DOMAIN")?,
        };
        let client_id = env.get(&["AUTH0_SPA_CLIENT_ID", "NEXT_PUBLIC_AUTH0_CLIENT_ID"])?.ok_or_else(|| {
            ConfigError("AUTH0_SPA_CLIENT_ID is not set: copy the Client ID of your Single Page Application from the Auth0 dashboard.".into())
        })?;
        let audience = env.get(&["AUTH0_AUDIENCE", "NEXT_PUBLIC_AUTH0_AUDIENCE"])?.ok_or_else(|| {
            ConfigError("AUTH0_AUDIENCE is not set: use your API's identifier from Auth0 → Applications → APIs, e.g. https://api.auracommerce.com.".into())
        })?;
        // Auth0 recommends a URL but takes any string as an API identifier; whitespace is
        // never part of one (it is a mis-paste, and tokens would never match it).
        if audience.chars().any(char::is_whitespace) {
            return Err(ConfigError(format!("AUTH0_AUDIENCE is '{audience}', which contains whitespace: use your API's Identifier exactly as Auth0 shows it, e.g. https://api.auracommerce.com.")));
        }
        let secret = match (
            env.get(&["AUTH0_CLIENT_SECRET"])?,
            env.get(&["AUTH0_CLIENT_SECRET_FILE"])?,
        ) {
            (Some(_), Some(_)) => return Err(ConfigError("AUTH0_CLIENT_SECRET and AUTH0_CLIENT_SECRET_FILE are both set: keep only one, the file for a mounted secret or the variable otherwise.".into())),
            (Some(secret), None) => Some((SecretString::from(secret), None)),
            (None, Some(path)) => {
                let path = PathBuf::from(path);
                let secret = read_secret_file(&path).map_err(|error| ConfigError(error.to_string()))?;
                Some((secret, Some(path)))
            }
            (None, None) => None,
        };
        let m2m = match (env.get(&["AUTH0_CLIENT_ID"])?, secret) {
            (Some(client_id), Some((client_secret, client_secret_file))) => M2mCredentials {
                client_id,
                client_secret,
                client_secret_file,
            },
            (None, None) => return Err(ConfigError("AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET are not set: the server calls other services (the AI recommendations) with a Machine to Machine application's token; create one authorised for your API and set its Client ID and Client Secret (server only).".into())),
            (Some(_), None) => return Err(ConfigError("AUTH0_CLIENT_ID is set but AUTH0_CLIENT_SECRET is not: copy the Machine to Machine application's Client Secret (or name a file holding it in AUTH0_CLIENT_SECRET_FILE).".into())),
            (None, Some(_)) => return Err(ConfigError("AUTH0_CLIENT_SECRET is set but AUTH0_CLIENT_ID is not: set the Machine to Machine application's Client ID beside its secret.".into())),
        };
        if m2m.client_id == client_id {
            return Err(ConfigError("AUTH0_CLIENT_ID equals AUTH0_SPA_CLIENT_ID: the Single Page Application and the Machine to Machine application are two different applications with different Client IDs.".into()));
        }
        notes.push(format!(
            "Configuration read from {}.",
            env.read_names().join(", ")
        ));
        Ok((
            Settings {
                public: PublicAuthConfig {
                    issuer,
                    client_id,
                    audience,
                    token_storage,
                },
                tenant: TenantSource::Auth0,
                m2m: Some(m2m),
                ai_service_url,
                api_cors_origins,
            },
            notes,
        ))
    }

    fn local(addr: Option<String>) -> Result<Self, ConfigError> {
        let addr: SocketAddr = addr
            .as_deref()
            .unwrap_or(DEFAULT_DEV_TENANT_ADDR)
            .parse()
            .map_err(|_| {
                ConfigError("DEV_TENANT_ADDR must be an address like 127.0.0.1:4000.".into())
            })?;
        if !addr.ip().is_loopback() {
            return Err(ConfigError(format!(
                "DEV_TENANT_ADDR is {addr}: the local tenant only listens on loopback (127.0.0.1 or [::1])."
            )));
        }
        // The issuer the browser and the key fetches use is built from this address, so the
        // port must be the one the tenant really gets.
        if addr.port() == 0 {
            return Err(ConfigError(format!(
                "DEV_TENANT_ADDR is {addr}: name a fixed port, e.g. 127.0.0.1:4000 (the tenant's address is its issuer URL)."
            )));
        }
        Ok(Self::for_local_tenant(addr))
    }

    /// Settings for the built-in tenant at `addr` with its default clients.
    pub fn for_local_tenant(addr: SocketAddr) -> Self {
        Settings {
            public: PublicAuthConfig {
                issuer: format!("http://{addr}/"),
                client_id: dev_tenant::DEFAULT_SPA_CLIENT_ID.to_owned(),
                audience: dev_tenant::DEFAULT_AUDIENCE.to_owned(),
                token_storage: TokenStorageKind::default(),
            },
            tenant: TenantSource::Local {
                addr,
                config_file: None,
            },
            m2m: Some(M2mCredentials {
                client_id: dev_tenant::DEFAULT_M2M_CLIENT_ID.to_owned(),
                client_secret: SecretString::from(dev_tenant::DEFAULT_M2M_CLIENT_SECRET),
                client_secret_file: None,
            }),
            ai_service_url: None,
            api_cors_origins: Vec::new(),
        }
    }
}

/// Variable lookup that knows the aliases it read and tells set-but-empty from unset.
struct EnvVars<'a> {
    vars: &'a HashMap<String, String>,
    read: std::cell::RefCell<Vec<String>>,
}

impl<'a> EnvVars<'a> {
    fn new(vars: &'a HashMap<String, String>) -> Self {
        Self {
            vars,
            read: Default::default(),
        }
    }

    fn is_set(&self, name: &str) -> bool {
        self.vars.get(name).is_some_and(|v| !v.trim().is_empty())
    }

    /// The first of `names` that is set (the canonical name first, then its aliases). A name
    /// present but empty counts as unset, except for a secret, where it is a mistake. Two names
    /// of one setting with different values are refused.
    fn get(&self, names: &[&str]) -> Result<Option<String>, ConfigError> {
        let set: Vec<(&str, String)> = names
            .iter()
            .filter_map(|name| {
                let value = self.vars.get(*name)?.trim();
                (!value.is_empty()).then(|| (*name, value.to_owned()))
            })
            .collect();
        if let [(first, a), rest @ ..] = set.as_slice() {
            if let Some((other, _)) = rest.iter().find(|(_, b)| b != a) {
                return Err(ConfigError(format!(
                    "{first} and {other} are both set, to different values: keep one of them."
                )));
            }
            let label = if *first == names[0] {
                first.to_string()
            } else {
                format!("{} (as {first})", names[0])
            };
            self.read.borrow_mut().push(label);
            return Ok(Some(a.clone()));
        }
        if names[0].ends_with("_SECRET") && self.vars.contains_key(names[0]) {
            return Err(ConfigError(format!("{} is set but empty: paste the Machine to Machine application's Client Secret, or remove the variable.", names[0])));
        }
        Ok(None)
    }

    fn read_names(&self) -> Vec<String> {
        self.read.borrow().clone()
    }
}

/// An origin as browsers send it: `scheme://host[:port]`, nothing more.
fn parse_origin(origin: &str) -> Result<String, ConfigError> {
    let refused = || {
        ConfigError(format!(
            "API_CORS_ORIGINS has '{origin}': list origins like https://shop.example.com, separated by commas (no paths, no '*')."
        ))
    };
    let url = url::Url::parse(origin).map_err(|_| refused())?;
    let serialised = url.origin().ascii_serialization();
    if serialised != origin.trim_end_matches('/') || !matches!(url.scheme(), "http" | "https") {
        return Err(refused());
    }
    Ok(serialised)
}

/// A secret under a name meant for the browser is a leak waiting to happen: refuse to start.
fn refuse_secrets_under_public_names(vars: &HashMap<String, String>) -> Result<(), ConfigError> {
    let mut names: Vec<&String> = vars
        .iter()
        .filter(|(name, value)| {
            !value.trim().is_empty()
                && ((name.starts_with("NEXT_PUBLIC_") && name.contains("SECRET"))
                    || name.as_str() == "AUTH0_SPA_CLIENT_SECRET")
        })
        .map(|(name, _)| name)
        .collect();
    names.sort();
    match names.first() {
        None => Ok(()),
        Some(name) => Err(ConfigError(format!(
            "{name} holds a secret under a public name: a Single Page Application has no client secret, and anything public is sent to browsers. Delete {name}; the Machine to Machine application's secret belongs in AUTH0_CLIENT_SECRET (server only)."
        ))),
    }
}

/// Turns `tenant.auth0.com`, `https://tenant.auth0.com` or `https://tenant.auth0.com/` into
/// Auth0's issuer form, `https://tenant.auth0.com/`.
fn normalise_issuer(value: &str, variable: &str) -> Result<String, ConfigError> {
    let with_scheme = if value.starts_with("http://") || value.starts_with("https://") {
        value.to_owned()
    } else {
        format!("https://{value}")
    };
    let url = url::Url::parse(&with_scheme).map_err(|_| {
        ConfigError(format!("{variable} is not a domain or URL: use your tenant's domain, e.g. your-tenant.auth0.com."))
    })?;
    if url.path() != "/" || url.query().is_some() {
        return Err(ConfigError(format!(
            "{variable} has a path: use only the tenant's domain, e.g. your-tenant.auth0.com."
        )));
    }
    let host = url.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && !loopback {
        return Err(ConfigError(format!(
            "{variable} uses plain http:// for {host}: tokens must come from an https:// issuer (http is only accepted on loopback)."
        )));
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

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

    #[test]
    fn no_domain_means_the_local_tenant_on_port_4000() {
        let settings = parse(&[]).unwrap();
        assert_eq!(settings.public.issuer, "http://127.0.0.1:4000/");
        assert_eq!(settings.public.client_id, "aura-spa");
        assert!(matches!(settings.tenant, TenantSource::Local { .. }));
    }

    #[test]
    fn the_local_tenant_refuses_port_zero() {
        let error = parse(&[("DEV_TENANT_ADDR", "127.0.0.1:0")]).unwrap_err();
        assert!(
            error
                .0
                .contains("DEV_TENANT_ADDR is 127.0.0.1:0: name a fixed port"),
            "{error}"
        );
    }

    #[test]
    fn an_audience_need_not_be_a_url() {
        let settings = parse(&[&REMOTE[..], &[("AUTH0_AUDIENCE", "aura-api")]].concat()).unwrap();
        assert_eq!(settings.public.audience, "aura-api");
    }

    #[test]
    fn the_local_tenant_refuses_a_non_loopback_address() {
        let error = parse(&[("DEV_TENANT_ADDR", "0.0.0.0:4000")]).unwrap_err();
        assert!(error.0.contains("DEV_TENANT_ADDR"), "{error}");
    }

    #[test]
    fn a_bare_domain_becomes_an_https_issuer_with_a_trailing_slash() {
        let settings = parse(&REMOTE).unwrap();
        assert_eq!(settings.public.issuer, "https://tenant.eu.auth0.com/");
        assert_eq!(settings.tenant, TenantSource::Auth0);
    }

    #[test]
    fn the_guides_issuer_base_url_without_slash_is_accepted() {
        let mut vars = REMOTE.to_vec();
        vars.push(("AUTH0_ISSUER_BASE_URL", "https://tenant.eu.auth0.com"));
        assert_eq!(
            parse(&vars).unwrap().public.issuer,
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
        assert_eq!(settings.public.client_id, "spa");
        assert_eq!(settings.public.audience, "https://api.example");
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

    #[test]
    fn each_mistake_names_its_variable() {
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![
                    ("AUTH0_DOMAIN", "t.auth0.com"),
                    ("AUTH0_AUDIENCE", "https://a"),
                ],
                "AUTH0_SPA_CLIENT_ID",
            ),
            (
                vec![
                    ("AUTH0_DOMAIN", "t.auth0.com"),
                    ("AUTH0_SPA_CLIENT_ID", "s"),
                ],
                "AUTH0_AUDIENCE",
            ),
            (
                [
                    &REMOTE[..],
                    &[("AUTH0_CLIENT_ID", "spa123"), ("AUTH0_CLIENT_SECRET", "x")],
                ]
                .concat(),
                "AUTH0_CLIENT_ID equals",
            ),
            (
                [&REMOTE_PUBLIC[..], &[("AUTH0_CLIENT_ID", "m2m")]].concat(),
                "AUTH0_CLIENT_SECRET",
            ),
            (
                REMOTE_PUBLIC.to_vec(),
                "AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET are not set",
            ),
            (
                [&REMOTE[..], &[("AUTH0_CLIENT_SECRET", "  ")]].concat(),
                "AUTH0_CLIENT_SECRET is set but empty",
            ),
            (
                [&REMOTE[..], &[("AUTH0_AUDIENCE", "aura api")]].concat(),
                "AUTH0_AUDIENCE is 'aura api', which contains whitespace",
            ),
            (
                [&REMOTE[..], &[("NEXT_PUBLIC_AUTH0_CLIENT_SECRET", "x")]].concat(),
                "NEXT_PUBLIC_AUTH0_CLIENT_SECRET holds a secret under a public name",
            ),
            (
                [&REMOTE[..], &[("AUTH0_SPA_CLIENT_SECRET", "x")]].concat(),
                "AUTH0_SPA_CLIENT_SECRET holds a secret under a public name",
            ),
            (
                vec![("NEXT_PUBLIC_AUTH0_SECRET", "x")],
                "NEXT_PUBLIC_AUTH0_SECRET holds a secret under a public name",
            ),
            (
                [
                    &REMOTE[..],
                    &[("NEXT_PUBLIC_AUTH0_DOMAIN", "other.auth0.com")],
                ]
                .concat(),
                "AUTH0_DOMAIN and NEXT_PUBLIC_AUTH0_DOMAIN are both set, to different values",
            ),
            (
                [
                    &REMOTE[..],
                    &[("AUTH0_DOMAIN", "http://tenant.example.com")],
                ]
                .concat(),
                "plain http://",
            ),
            (
                [&REMOTE[..], &[("AUTH0_DOMAIN", "tenant.auth0.com/oauth")]].concat(),
                "has a path",
            ),
        ];
        for (vars, expected) in cases {
            let error = parse(&vars).unwrap_err();
            assert!(error.0.contains(expected), "{vars:?}: {error}");
        }
    }

    #[test]
    fn token_storage_is_configurable_and_checked() {
        let settings = parse(&[("AUTH0_TOKEN_STORAGE", "session")]).unwrap();
        assert_eq!(settings.public.token_storage, TokenStorageKind::Session);
        let error = parse(&[("AUTH0_TOKEN_STORAGE", "cookie")]).unwrap_err();
        assert!(error.0.contains("AUTH0_TOKEN_STORAGE"), "{error}");
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
        let mut vars = REMOTE_PUBLIC.to_vec();
        let path_text = path.display().to_string();
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
        let cases = [
            (
                vec![("AUTH0_CLIENT_SECRET_FILE", missing.as_str())],
                "cannot be read",
            ),
            (
                vec![("AUTH0_CLIENT_SECRET_FILE", empty.as_str())],
                "is empty",
            ),
            (
                vec![
                    ("AUTH0_CLIENT_SECRET_FILE", missing.as_str()),
                    ("AUTH0_CLIENT_SECRET", "x"),
                ],
                "both set",
            ),
        ];
        for (extra, expected) in cases {
            let vars = [
                &REMOTE_PUBLIC[..],
                &[("AUTH0_CLIENT_ID", "m2m")],
                &extra[..],
            ]
            .concat();
            let error = parse(&vars).unwrap_err();
            assert!(error.0.starts_with("AUTH0_CLIENT_SECRET"), "{error}");
            assert!(error.0.contains(expected), "{error}");
        }
    }

    #[test]
    fn a_port_from_a_separate_backend_gets_a_note_naming_where_the_api_is() {
        let (_, notes) = parse_with_notes(&[("PORT", "8000")]).unwrap();
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("PORT is set but unused")
                    && n.contains("127.0.0.1:3000/api/")),
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
            let error = parse(&[("API_CORS_ORIGINS", bad)]).unwrap_err();
            assert!(error.0.starts_with("API_CORS_ORIGINS"), "{bad}: {error}");
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
}
