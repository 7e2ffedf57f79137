//! Keeping the tenant's signing keys loaded for as long as the process runs.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::server::JwksCache;

/// How often the signing keys are re-fetched in the background, so a rotation is picked up
/// before the first token signed with the new key arrives.
const KEY_REFRESH_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// Loads the signing keys now (retrying until the tenant answers) and then refreshes them
/// periodically.
pub fn spawn_key_refresh(keys: Arc<JwksCache>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut retry = Duration::from_millis(200);
        loop {
            match keys.refresh().await {
                Ok(count) => {
                    tracing::info!(count, "loaded the tenant's signing keys");
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, "could not load the tenant's signing keys yet; retrying");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(Duration::from_secs(10));
                }
            }
        }
        let mut interval = tokio::time::interval(KEY_REFRESH_INTERVAL);
        interval.tick().await;
        loop {
            interval.tick().await;
            if let Err(error) = keys.refresh().await {
                tracing::warn!(%error, "background refresh of the signing keys failed; keeping the ones held");
            }
        }
    })
}
