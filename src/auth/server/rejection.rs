//! RFC 6750 rejections (and, with DPoP on, RFC 9449's: [`DpopRefusal`]): one place that maps an
//! auth failure to status, headers and body.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::dpop_refusal::DpopRefusal;
use super::token_validator::TokenError;
use crate::auth::permissions::RBAC_ADVICE;
use crate::auth::ApiError;

/// Why a request was not let through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthRejection {
    /// No bearer token: 401 with a bare challenge.
    Missing,
    /// More than one `Authorization` header: 400 `invalid_request` (RFC 6750 §3.1).
    SeveralAuthorizationHeaders,
    /// A token that did not validate: 401 `invalid_token`.
    Invalid(TokenError),
    /// A valid token without the permission: 403 `insufficient_scope`.
    InsufficientScope(String),
    /// A valid user token with no `permissions` claim at all (the API's RBAC is off): 403
    /// `insufficient_scope`, with a description saying how to turn RBAC on.
    NoPermissionsClaim(String),
    /// A valid user token on a route for machine-to-machine (client_credentials) tokens only:
    /// 403 `insufficient_scope`, with a description instead of a scope, since no permission
    /// would let a user token in.
    MachineOnly,
    /// DPoP is on: a 401 offering the DPoP scheme beside Bearer.
    Dpop(DpopRefusal),
}

/// `error_description` of [`AuthRejection::SeveralAuthorizationHeaders`].
const SEVERAL_HEADERS: &str = "send exactly one Authorization header";

/// `error_description` of [`AuthRejection::MachineOnly`].
const MACHINE_ONLY: &str = "this route accepts only machine-to-machine (client_credentials) tokens";

impl AuthRejection {
    /// 401 or 403: the status of the [`ApiError`] this becomes (one mapping for all).
    pub fn status(&self) -> StatusCode {
        ApiError::from(self.clone()).status()
    }

    /// The `WWW-Authenticate` values, exactly as DESIGN §5 gives them (one, or with DPoP on the
    /// DPoP challenge and the Bearer one).
    pub fn challenges(&self) -> Vec<HeaderValue> {
        if let AuthRejection::Dpop(refusal) = self {
            return refusal.challenges();
        }
        vec![self.bearer_challenge()]
    }

    /// The `DPoP-Nonce` to send, when the client must retry with it.
    pub fn dpop_nonce(&self) -> Option<HeaderValue> {
        match self {
            AuthRejection::Dpop(refusal) => HeaderValue::from_str(refusal.nonce()?).ok(),
            _ => None,
        }
    }

    /// Every header of the answer — the challenges, a `DPoP-Nonce` to retry with, a
    /// `Retry-After` when the server is busy — for REST routes and server functions alike.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for challenge in self.challenges() {
            headers.append(header::WWW_AUTHENTICATE, challenge);
        }
        if let Some(nonce) = self.dpop_nonce() {
            headers.insert(DPOP_NONCE, nonce);
        }
        if matches!(self, AuthRejection::Dpop(DpopRefusal::Busy)) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        headers
    }

    fn bearer_challenge(&self) -> HeaderValue {
        let value = match self {
            AuthRejection::Dpop(_) => r#"Bearer realm="api""#.to_owned(),
            AuthRejection::Missing => r#"Bearer realm="api""#.to_owned(),
            AuthRejection::SeveralAuthorizationHeaders => format!(
                r#"Bearer realm="api", error="invalid_request", error_description="{SEVERAL_HEADERS}""#
            ),
            AuthRejection::Invalid(error) => format!(
                r#"Bearer realm="api", error="invalid_token", error_description="{}""#,
                quoted_string_safe(&error.to_string())
            ),
            AuthRejection::InsufficientScope(scope) => format!(
                r#"Bearer realm="api", error="insufficient_scope", scope="{}""#,
                quoted_string_safe(scope)
            ),
            AuthRejection::NoPermissionsClaim(scope) => format!(
                r#"Bearer realm="api", error="insufficient_scope", scope="{}", error_description="{}""#,
                quoted_string_safe(scope),
                quoted_string_safe(RBAC_ADVICE)
            ),
            AuthRejection::MachineOnly => format!(
                r#"Bearer realm="api", error="insufficient_scope", error_description="{MACHINE_ONLY}""#
            ),
        };
        HeaderValue::from_str(&value)
            .unwrap_or_else(|_| HeaderValue::from_static(r#"Bearer realm="api""#))
    }

    /// `(error, error_description)` for the JSON body.
    pub fn error_body(&self) -> (&'static str, String) {
        match self {
            AuthRejection::Missing => ("invalid_request", "No bearer token was sent.".to_owned()),
            AuthRejection::SeveralAuthorizationHeaders => {
                ("invalid_request", SEVERAL_HEADERS.to_owned())
            }
            AuthRejection::Invalid(error) => ("invalid_token", error.to_string()),
            AuthRejection::InsufficientScope(scope) => (
                "insufficient_scope",
                format!("The token lacks the '{scope}' permission."),
            ),
            AuthRejection::NoPermissionsClaim(_) => ("insufficient_scope", RBAC_ADVICE.to_owned()),
            AuthRejection::MachineOnly => ("insufficient_scope", MACHINE_ONLY.to_owned()),
            AuthRejection::Dpop(refusal) => refusal.error_body(),
        }
    }
}

impl From<AuthRejection> for ApiError {
    fn from(rejection: AuthRejection) -> Self {
        match rejection {
            AuthRejection::Missing => ApiError::Unauthenticated,
            AuthRejection::SeveralAuthorizationHeaders => ApiError::Invalid {
                field: "authorization".into(),
                message: SEVERAL_HEADERS.into(),
            },
            AuthRejection::Invalid(error) => ApiError::InvalidToken(error.to_string()),
            AuthRejection::InsufficientScope(scope) => ApiError::InsufficientScope(scope),
            AuthRejection::NoPermissionsClaim(scope) => ApiError::NoPermissionsClaim(scope),
            AuthRejection::MachineOnly => ApiError::InsufficientScope("client_credentials".into()),
            AuthRejection::Dpop(DpopRefusal::Missing) => ApiError::Unauthenticated,
            AuthRejection::Dpop(
                DpopRefusal::InvalidBearer(error) | DpopRefusal::InvalidToken(error),
            ) => ApiError::InvalidToken(error.to_string()),
            AuthRejection::Dpop(DpopRefusal::InvalidProof(error)) => {
                ApiError::InvalidDpopProof(error.to_string())
            }
            AuthRejection::Dpop(DpopRefusal::UseNonce(_)) => ApiError::UseDpopNonce,
            AuthRejection::Dpop(DpopRefusal::Busy) => ApiError::Busy,
        }
    }
}

/// The REST answer: status, `WWW-Authenticate`, and `{"error", "error_description"}`.
impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let (error, error_description) = self.error_body();
        // Answered inside the request's span: its access-log line says why.
        crate::access_log::record_refusal(&error_description);
        let mut response = (
            self.status(),
            Json(serde_json::json!({ "error": error, "error_description": error_description })),
        )
            .into_response();
        response.headers_mut().extend(self.headers());
        response
    }
}

/// The header a server nonce travels in (RFC 9449 §8).
pub const DPOP_NONCE: header::HeaderName = header::HeaderName::from_static("dpop-nonce");

/// RFC 7235 quoted-string content: printable ASCII without `"` and `\`.
pub(super) fn quoted_string_safe(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control() && *c != '"' && *c != '\\')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_follow_rfc_6750() {
        assert_eq!(
            AuthRejection::Missing.challenges(),
            [r#"Bearer realm="api""#]
        );
        assert_eq!(
            AuthRejection::Invalid(TokenError::Expired).challenges(),
            [
                r#"Bearer realm="api", error="invalid_token", error_description="the token has expired""#
            ]
        );
        assert_eq!(
            AuthRejection::InsufficientScope("write:products".into()).challenges(),
            [r#"Bearer realm="api", error="insufficient_scope", scope="write:products""#]
        );
        assert_eq!(AuthRejection::Missing.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            AuthRejection::InsufficientScope("x".into()).status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(AuthRejection::MachineOnly.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            AuthRejection::MachineOnly.challenges(),
            [
                r#"Bearer realm="api", error="insufficient_scope", error_description="this route accepts only machine-to-machine (client_credentials) tokens""#
            ]
        );
    }
}
