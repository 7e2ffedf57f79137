//! One request to the tenant's token endpoint for a `client_credentials` token, and what its
//! answer comes to ([`Attempt`]): a token, something worth retrying, or a refusal that says
//! what to fix.
//!
//! Requests go through the `oauth2` crate with `client_secret_post` (as Auth0's SDKs do) and
//! the `audience` parameter Auth0 requires.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::http::StatusCode;
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, ClientSecret, HttpClientError, HttpRequest, HttpResponse,
    RequestTokenError, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};

use super::errors::M2mError;
use super::retry::parse_retry_after;
use super::token::M2mToken;
use crate::auth::dangerous::decode_unverified_payload;
use crate::auth::{Audience, M2mClientId};

/// What one request to the token endpoint came to.
pub enum Attempt {
    /// A token and its lifetime.
    Token(M2mToken, Duration),
    /// 429, 5xx, network error or timeout.
    Retryable {
        cause: String,
        retry_after: Option<Duration>,
    },
    Refused(M2mError),
}

/// Where and for what tokens are asked. Holds no secret.
pub struct TokenRequest {
    pub token_url: url::Url,
    pub client_id: M2mClientId,
    pub audience: Audience,
    http: reqwest::Client,
}

/// Status and `Retry-After` of the answer, which `oauth2` does not report itself.
struct Answer {
    status: StatusCode,
    retry_after: Option<Duration>,
}

/// The `reqwest` client, noting the answer's status and `Retry-After` on the way through.
struct RecordingHttpClient {
    http: reqwest::Client,
    answer: Arc<StdMutex<Option<Answer>>>,
}

impl<'c> AsyncHttpClient<'c> for RecordingHttpClient {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = AsyncHttpClient::call(&self.http, request).await?;
            let retry_after = response
                .headers()
                .get(oauth2::http::header::RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(parse_retry_after);
            *self
                .answer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Answer {
                status: response.status(),
                retry_after,
            });
            Ok(response)
        })
    }
}

impl TokenRequest {
    /// Requests to `token_url` that give up after `timeout`.
    pub fn new(
        token_url: url::Url,
        client_id: M2mClientId,
        audience: Audience,
        timeout: Duration,
    ) -> Self {
        Self {
            token_url,
            client_id,
            audience,
            // A token endpoint never redirects; following one could send the secret elsewhere.
            http: crate::outbound_http::outbound_client(timeout),
        }
    }

    /// One request with `secret`.
    pub async fn send(&self, secret: &SecretString) -> Attempt {
        let client = BasicClient::new(ClientId::new(self.client_id.as_str().to_owned()))
            .set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()));
        let http = RecordingHttpClient {
            http: self.http.clone(),
            answer: Arc::new(StdMutex::new(None)),
        };
        let result = client
            .exchange_client_credentials()
            .add_extra_param("audience", self.audience.as_str())
            .request_async(&http)
            .await;
        let answer = http
            .answer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        // The tenant's words go into errors and logs: make sure they cannot echo the secret.
        let scrub = |text: &str| match secret.expose_secret() {
            "" => text.to_owned(),
            secret => text.replace(secret, "<redacted>"),
        };
        self.classify(result, answer, scrub)
    }

    /// Sorts the answer: a token, a retry (429, 5xx, no answer), or a refusal.
    fn classify(
        &self,
        result: Result<
            BasicTokenResponse,
            RequestTokenError<HttpClientError<reqwest::Error>, BasicErrorResponse>,
        >,
        answer: Option<Answer>,
        scrub: impl Fn(&str) -> String,
    ) -> Attempt {
        let status = answer.as_ref().map(|a| a.status);
        let invalid_response = |reason: String| {
            Attempt::Refused(M2mError::InvalidResponse {
                token_url: self.token_url.to_string(),
                reason: scrub(&reason),
            })
        };
        match (result, answer) {
            (Ok(response), _) => self.token_from(&response),
            (Err(_), Some(answer))
                if answer.status == StatusCode::TOO_MANY_REQUESTS
                    || answer.status.is_server_error() =>
            {
                Attempt::Retryable {
                    cause: format!("the token endpoint answered {}", answer.status),
                    retry_after: answer.retry_after,
                }
            }
            (Err(RequestTokenError::ServerResponse(error)), _) => {
                let said = scrub(error.error_description().map_or("", String::as_str));
                Attempt::Refused(M2mError::from_tenant(
                    status.map_or(0, |s| s.as_u16()),
                    error.error().as_ref(),
                    &said,
                    self.client_id.as_str(),
                    self.audience.as_str(),
                ))
            }
            (Err(RequestTokenError::Request(error)), _) => Attempt::Retryable {
                cause: scrub(&describe_request_error(&error)),
                retry_after: None,
            },
            (Err(RequestTokenError::Parse(error, _)), _) if status == Some(StatusCode::OK) => {
                invalid_response(error.to_string())
            }
            (Err(RequestTokenError::Other(reason)), _) if status == Some(StatusCode::OK) => {
                invalid_response(reason)
            }
            (Err(_), _) => Attempt::Refused(M2mError::Rejected {
                status: status.map_or(0, |s| s.as_u16()),
                error: "unreadable_error".into(),
                tenant_said: "an answer that is not Auth0's JSON error body".into(),
            }),
        }
    }

    fn token_from(&self, response: &BasicTokenResponse) -> Attempt {
        let value = response.access_token().secret();
        let Some(lifetime) = response.expires_in().or_else(|| jwt_lifetime(value)) else {
            return Attempt::Refused(M2mError::InvalidResponse {
                token_url: self.token_url.to_string(),
                reason: "neither expires_in nor a JWT exp to know when it expires".into(),
            });
        };
        let scopes = response
            .scopes()
            .map(|scopes| scopes.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        Attempt::Token(M2mToken::new(value, scopes), lifetime)
    }
}

/// `exp - iat` of an unverified JWT, for a token response without `expires_in`. Only used to
/// schedule renewal; the token itself is checked by whoever receives it.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    #[derive(serde::Deserialize)]
    struct Times {
        exp: u64,
        iat: u64,
    }
    let times: Times = decode_unverified_payload(token)?;
    times.exp.checked_sub(times.iat).map(Duration::from_secs)
}

/// A network failure in words, with its causes (reqwest's own text names only the URL).
fn describe_request_error(error: &HttpClientError<reqwest::Error>) -> String {
    match error {
        HttpClientError::Reqwest(error) if error.is_timeout() => "the request timed out".into(),
        HttpClientError::Reqwest(error) => {
            let mut text = error.to_string();
            let mut source = std::error::Error::source(error.as_ref());
            while let Some(cause) = source {
                text.push_str(": ");
                text.push_str(&cause.to_string());
                source = cause.source();
            }
            text
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    use super::*;

    #[test]
    fn the_lifetime_of_a_token_without_expires_in_comes_from_its_claims() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"iat":1000,"exp":1600}"#);
        let token = format!("e30.{payload}.sig");
        assert_eq!(jwt_lifetime(&token), Some(Duration::from_secs(600)));
        assert_eq!(jwt_lifetime("opaque"), None);
    }
}
