//! The server's client of the AI recommendation service: an HTTP call with the cached M2M
//! token, so the shopper's own token never travels to another service.

use std::sync::Arc;
use std::time::Duration;

use super::Product;
use crate::auth::server::M2mTokenClient;

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
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client with only timeouts configured always builds");
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            http,
            m2m,
        }
    }

    /// Products related to `product_id`, as the AI service ranks them.
    pub async fn recommendations(&self, product_id: u32) -> Result<Vec<Product>, AiServiceError> {
        let token = self
            .m2m
            .access_token()
            .await
            .map_err(|e| AiServiceError::Token(e.to_string()))?;
        let url = format!("{}/recommendations?product_id={product_id}", self.base_url);
        let unreachable = |reason: String| AiServiceError::Unreachable {
            url: url.clone(),
            reason,
        };
        let response = self
            .http
            .get(&url)
            .header("authorization", token.authorization_header())
            .send()
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        if !response.status().is_success() {
            return Err(AiServiceError::Refused {
                url,
                status: response.status().as_u16(),
            });
        }
        let body: RecommendationsBody = response
            .json()
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        Ok(body.recommendations)
    }
}
