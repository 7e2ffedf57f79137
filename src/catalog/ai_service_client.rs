//! The server's client of the AI recommendation service: an HTTP call with the cached M2M
//! token, so the shopper's own token never travels to another service.

use std::sync::Arc;
use std::time::Duration;

use super::Product;
use crate::auth::server::{M2mToken, M2mTokenClient};

/// Calls to the AI service give up after this long; the product page then shows no
/// recommendations rather than waiting.
const TIMEOUT: Duration = Duration::from_secs(5);

/// Where the AI service is and how to authenticate to it.
pub struct AiServiceClient {
    /// E.g. `http://127.0.0.1:3000/api/ai` (this app's own routes) or `AI_SERVICE_URL`.
    base_url: String,
    http: reqwest::Client,
    m2m: Arc<M2mTokenClient>,
}

#[derive(Debug, thiserror::Error)]
pub enum AiServiceError {
    #[error("no M2M token: {0}")]
    Token(String),
    #[error("the AI service at {url} could not be reached: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the AI service answered {status} for {url}")]
    Refused { url: String, status: u16 },
}

#[derive(serde::Deserialize)]
struct RecommendationsBody {
    recommendations: Vec<Product>,
}

impl AiServiceClient {
    pub fn new(base_url: &str, m2m: Arc<M2mTokenClient>) -> Self {
        let http = crate::outbound_http::outbound_client(TIMEOUT);
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
            m2m,
        }
    }

    /// Products related to `product_id`, as the AI service ranks them. When the service
    /// refuses the M2M token (401: revoked, or signed with a key it no longer trusts), the token
    /// is dropped and the call made once more with a new one.
    pub async fn recommendations(&self, product_id: u32) -> Result<Vec<Product>, AiServiceError> {
        let url = format!("{}/recommendations?product_id={product_id}", self.base_url);
        let token = self.token().await?;
        let mut response = self.get(&url, &token).await?;
        if response.status() == reqwest::StatusCode::UNAUTHORIZED && self.m2m.refused(&token) {
            let token = self.token().await?;
            response = self.get(&url, &token).await?;
        }
        if !response.status().is_success() {
            return Err(AiServiceError::Refused {
                url,
                status: response.status().as_u16(),
            });
        }
        let body: RecommendationsBody =
            response
                .json()
                .await
                .map_err(|e| AiServiceError::Unreachable {
                    url: url.clone(),
                    reason: e.to_string(),
                })?;
        Ok(body.recommendations)
    }

    async fn token(&self) -> Result<M2mToken, AiServiceError> {
        self.m2m
            .access_token()
            .await
            .map_err(|e| AiServiceError::Token(e.to_string()))
    }

    async fn get(&self, url: &str, token: &M2mToken) -> Result<reqwest::Response, AiServiceError> {
        self.http
            .get(url)
            .header("authorization", token.authorization_header())
            .send()
            .await
            .map_err(|e| AiServiceError::Unreachable {
                url: url.to_owned(),
                reason: e.to_string(),
            })
    }
}
