//! When to try the token endpoint again: bounded attempts and total time, exponential backoff
//! with jitter, and the tenant's `Retry-After` when it gives one. A secret from
//! `AUTH0_CLIENT_SECRET_FILE` is re-read once when the tenant refuses it.

use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use super::cache::Fetched;
use super::clock::M2mClock;
use super::errors::M2mError;
use super::secret::M2mSecret;
use super::token_request::{Attempt, TokenRequest};

/// Limits on retrying 429s, 5xx answers, network errors and timeouts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests per token, the first one included. Default 4.
    pub max_attempts: u32,
    /// Backoff before the second attempt; it doubles for each further one. Default 250 ms.
    pub first_delay: Duration,
    /// Cap on one backoff (not on a `Retry-After` within the total budget). Default 5 s.
    pub max_delay: Duration,
    /// No attempt starts, and no wait is begun, past this much time after the first. Default 30 s.
    pub max_total: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(5),
            max_total: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after `failed_attempts` failures (1 for the first), given `retry_after` from
    /// the answer. `jitter` in `[0, 1)` spreads clients that failed together: backoffs take
    /// "equal jitter" (half fixed, half random); a `Retry-After` is honoured in full, plus up to
    /// a tenth more.
    pub fn delay(
        &self,
        failed_attempts: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Duration {
        let jitter = jitter.clamp(0.0, 1.0);
        if let Some(wait) = retry_after {
            return wait + wait.mul_f64(0.1 * jitter);
        }
        let doublings = failed_attempts.saturating_sub(1).min(16);
        let backoff = self
            .first_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        backoff / 2 + (backoff / 2).mul_f64(jitter)
    }
}

/// `Retry-After` in seconds (the form Auth0 sends). HTTP dates are ignored: backoff applies.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A number in `[0, 1)` that differs per call and per process, from the standard library's
/// randomly seeded hasher: enough to de-synchronise retries, no extra dependency.
pub fn jitter() -> f64 {
    let bits = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// One token from `request`, retried within `policy`; the deadline is kept on `clock`, the
/// clock the cache uses.
pub async fn fetch_with_retries(
    request: &TokenRequest,
    secret: &M2mSecret,
    policy: &RetryPolicy,
    clock: &M2mClock,
) -> Result<Fetched, M2mError> {
    let deadline = clock.now() + policy.max_total;
    let mut attempts = 0;
    let mut secret_reread = false;
    loop {
        attempts += 1;
        let sent_at = clock.now();
        match request.send(&secret.current()).await {
            Attempt::Token(token, lifetime) => {
                tracing::info!(
                    client_id = %request.client_id,
                    lifetime_secs = lifetime.as_secs(),
                    "obtained an M2M access token"
                );
                return Ok(Fetched {
                    token,
                    lifetime,
                    sent_at,
                });
            }
            Attempt::Refused(error)
                if error.is_refused_secret() && !secret_reread && secret.file().is_some() =>
            {
                secret_reread = true;
                if !secret.reload()? {
                    return Err(error);
                }
                tracing::info!(
                    "the tenant refused the M2M secret; re-read a changed secret file, trying again"
                );
            }
            Attempt::Refused(error) => return Err(error),
            Attempt::Retryable { cause, retry_after } => {
                let give_up = |last_cause: String| M2mError::Unavailable {
                    token_url: request.token_url.to_string(),
                    attempts,
                    last_cause,
                };
                if attempts >= policy.max_attempts {
                    return Err(give_up(cause));
                }
                let delay = policy.delay(attempts, retry_after, jitter());
                if clock.now() + delay > deadline {
                    return Err(give_up(format!(
                        "{cause}; waiting {} ms more would exceed the {} s retry budget",
                        delay.as_millis(),
                        policy.max_total.as_secs()
                    )));
                }
                tracing::warn!(attempt = attempts, delay_ms = delay.as_millis() as u64, %cause, "M2M token request failed; retrying");
                tokio::time::sleep(delay).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_half_and_full_and_stops_at_the_cap() {
        let policy = RetryPolicy::default();
        for (failed, full) in [
            (1, 250),
            (2, 500),
            (3, 1000),
            (5, 4000),
            (6, 5000),
            (40, 5000),
        ] {
            let full = Duration::from_millis(full);
            assert_eq!(policy.delay(failed, None, 0.0), full / 2, "{failed}");
            assert!(policy.delay(failed, None, 0.999) < full, "{failed}");
            assert!(policy.delay(failed, None, 0.999) > full / 2, "{failed}");
        }
    }

    #[test]
    fn retry_after_is_honoured_in_full() {
        let policy = RetryPolicy::default();
        let wait = Some(Duration::from_secs(7));
        assert_eq!(policy.delay(1, wait, 0.0), Duration::from_secs(7));
        assert!(policy.delay(1, wait, 0.999) < Duration::from_millis(7700));
    }

    #[test]
    fn retry_after_is_read_in_seconds_only() {
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }

    #[test]
    fn jitter_stays_in_the_unit_interval_and_varies() {
        let samples: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(samples.iter().all(|j| (0.0..1.0).contains(j)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
    }
}
