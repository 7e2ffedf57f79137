//! Why the server could not get an M2M access token, each reason phrased as what to fix.
//!
//! The tenant's refusals (Auth0's `{"error","error_description"}` bodies) are mapped to the
//! mistakes that cause them, in the words of the Auth0 guide's troubleshooting section. No
//! message ever contains the client secret.

use super::secret::SecretFileError;

/// A failed M2M token request. Cloned to every caller that waited on the same request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum M2mError {
    /// 401 `access_denied` (Auth0's answer to a wrong secret or an unknown client).
    #[error("The tenant refused the M2M credentials (401 access_denied, the guide's \"Invalid client_secret\"): AUTH0_CLIENT_SECRET is wrong or belongs to another application than AUTH0_CLIENT_ID '{client_id}', so copy the Client Secret from that Machine to Machine application's Settings tab.")]
    WrongSecret { client_id: String },

    /// 401 `invalid_client` saying the client is public: an SPA's ID where the M2M one belongs.
    #[error("AUTH0_CLIENT_ID '{client_id}' is a Single Page Application, which must not send a client secret (401 invalid_client, the guide's \"Client secret not allowed\"): set AUTH0_CLIENT_ID to the Machine to Machine application's Client ID.")]
    PublicClient { client_id: String },

    /// 403 `unauthorized_client`: the application may not use `client_credentials`.
    #[error("The application AUTH0_CLIENT_ID '{client_id}' may not use the client_credentials grant (403 unauthorized_client, the guide's \"Invalid grant_type\"): use the Machine to Machine application's Client ID, or enable Client Credentials under the application's Advanced Settings → Grant Types.")]
    GrantNotAllowed { client_id: String },

    /// 403 `access_denied` / `Service not found`: no API has this identifier.
    #[error("AUTH0_AUDIENCE '{audience}' is not an API of this tenant (403 access_denied, \"Service not found\"), so the application cannot be authorised for it: set AUTH0_AUDIENCE to the Identifier shown under Applications → APIs.")]
    UnknownAudience { audience: String },

    /// 403 `access_denied` for a missing client grant (or scopes the grant lacks).
    #[error("The application AUTH0_CLIENT_ID '{client_id}' is not authorised for the API AUTH0_AUDIENCE '{audience}' (403 access_denied: {tenant_said}): authorise it under Applications → APIs → the API → Machine to Machine Applications.")]
    NotAuthorisedForApi {
        client_id: String,
        audience: String,
        tenant_said: String,
    },

    /// Any other refusal, with the tenant's own words.
    #[error("The tenant refused the M2M token request ({status} {error}: {tenant_said}): check AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET and AUTH0_AUDIENCE.")]
    Rejected {
        status: u16,
        error: String,
        tenant_said: String,
    },

    /// Every attempt failed with 429, 5xx, a network error or a timeout.
    #[error("The token endpoint {token_url} gave no M2M token after {attempts} attempt(s) (last: {last_cause}): check that the tenant is reachable; the next call tries again.")]
    Unavailable {
        token_url: String,
        attempts: u32,
        last_cause: String,
    },

    /// A 200 answer that is not a usable token response.
    #[error("The token endpoint {token_url} answered without a usable token ({reason}): check that AUTH0_DOMAIN (or AUTH0_ISSUER_BASE_URL) names the Auth0 tenant.")]
    InvalidResponse { token_url: String, reason: String },

    /// The secret file could not be re-read after the tenant refused the secret.
    #[error(transparent)]
    SecretFile(#[from] SecretFileError),
}

impl M2mError {
    /// Maps the tenant's error answer to the mistake behind it. `tenant_said` is the
    /// `error_description`, already free of the secret.
    pub fn from_tenant(
        status: u16,
        error: &str,
        tenant_said: &str,
        client_id: &str,
        audience: &str,
    ) -> Self {
        let client_id = client_id.to_owned();
        match (status, error) {
            (401, "invalid_client")
                if tenant_said.contains("public client")
                    || tenant_said.contains("must not send a client secret")
                    || tenant_said.contains("not allowed") =>
            {
                Self::PublicClient { client_id }
            }
            (401, "access_denied" | "invalid_client") => Self::WrongSecret { client_id },
            (403, "unauthorized_client") => Self::GrantNotAllowed { client_id },
            (403, "access_denied") if tenant_said.starts_with("Service not found") => {
                Self::UnknownAudience {
                    audience: audience.to_owned(),
                }
            }
            (403, "access_denied") => Self::NotAuthorisedForApi {
                client_id,
                audience: audience.to_owned(),
                tenant_said: tenant_said.to_owned(),
            },
            _ => Self::Rejected {
                status,
                error: error.to_owned(),
                tenant_said: tenant_said.to_owned(),
            },
        }
    }

    /// Whether the tenant refused the secret itself (so a re-read file may fix it).
    pub fn is_refused_secret(&self) -> bool {
        matches!(self, Self::WrongSecret { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUDIENCE: &str = "https://api.auracommerce.com";

    /// One row per Auth0 answer: status, error, description, the expected variant, a phrase.
    #[test]
    fn each_tenant_answer_maps_to_its_mistake() {
        let public_client = "Client 'aura-spa' is a public client (token endpoint \
                             authentication method 'none') and must not send a client secret.";
        let no_grant =
            "Client 'reports' is not authorized to access \"https://api.auracommerce.com\".";
        let rows = [
            (
                401,
                "access_denied",
                "Unauthorized",
                "WrongSecret",
                "AUTH0_CLIENT_SECRET",
            ),
            (
                401,
                "invalid_client",
                public_client,
                "PublicClient",
                "Single Page Application",
            ),
            (
                403,
                "unauthorized_client",
                "Grant type 'client_credentials' not allowed for the client.",
                "GrantNotAllowed",
                "client_credentials grant",
            ),
            (
                403,
                "access_denied",
                "Service not found: https://nope.example",
                "UnknownAudience",
                "AUTH0_AUDIENCE",
            ),
            (
                403,
                "access_denied",
                no_grant,
                "NotAuthorisedForApi",
                "AUTH0_AUDIENCE",
            ),
            (
                400,
                "invalid_request",
                "Missing required parameter: audience",
                "Rejected",
                "Missing required parameter",
            ),
        ];
        for (status, error, said, variant, phrase) in rows {
            let mapped = M2mError::from_tenant(status, error, said, "some-client", AUDIENCE);
            assert!(
                format!("{mapped:?}").starts_with(variant),
                "{status} {error}: {mapped:?}"
            );
            assert!(mapped.to_string().contains(phrase), "{mapped}");
        }
    }
}
