//! The Machine-to-Machine application's client secret: where it comes from
//! (`AUTH0_CLIENT_SECRET`, or the file named by `AUTH0_CLIENT_SECRET_FILE`) and the value held
//! now. A file-backed secret can be re-read — when the tenant refuses it, and on SIGHUP
//! ([`spawn_reload_on_sighup`]) — so rotating it needs no restart.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use secrecy::{ExposeSecret, SecretString};

/// Why the secret file could not give a secret. Each message names the variable and the fix;
/// none contains the secret.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SecretFileError {
    #[error("AUTH0_CLIENT_SECRET_FILE names {path}, which cannot be read ({reason}): point it at the file that holds the Machine to Machine application's Client Secret.")]
    Unreadable { path: String, reason: String },
    #[error("AUTH0_CLIENT_SECRET_FILE names {path}, which is empty: write the Machine to Machine application's Client Secret into it.")]
    Empty { path: String },
}

/// Reads a secret file as mounted by Docker or Kubernetes: the whole file, without the trailing
/// newline editors and `echo` add.
pub fn read_secret_file(path: &Path) -> Result<SecretString, SecretFileError> {
    let text = std::fs::read_to_string(path).map_err(|error| SecretFileError::Unreadable {
        path: path.display().to_string(),
        reason: error.to_string(),
    })?;
    let secret = text.trim_end_matches(['\n', '\r']);
    if secret.trim().is_empty() {
        return Err(SecretFileError::Empty {
            path: path.display().to_string(),
        });
    }
    Ok(SecretString::from(secret.to_owned()))
}

/// The client secret in use. `Debug` shows only where it comes from.
pub struct M2mSecret {
    file: Option<PathBuf>,
    current: RwLock<SecretString>,
    /// How many re-reads found a different secret.
    changes: AtomicU64,
}

impl M2mSecret {
    /// A secret given directly (`AUTH0_CLIENT_SECRET`); it never changes.
    pub fn fixed(secret: SecretString) -> Self {
        Self {
            file: None,
            current: RwLock::new(secret),
            changes: AtomicU64::new(0),
        }
    }

    /// A secret read from `path` now, and re-read by [`M2mSecret::reload`].
    pub fn from_file(path: impl Into<PathBuf>) -> Result<Self, SecretFileError> {
        let path = path.into();
        let secret = read_secret_file(&path)?;
        Ok(Self::loaded_from_file(path, secret))
    }

    /// A secret already read from `path` (configuration reads it at start, to refuse to start
    /// without one).
    pub fn loaded_from_file(path: impl Into<PathBuf>, secret: SecretString) -> Self {
        Self {
            file: Some(path.into()),
            current: RwLock::new(secret),
            changes: AtomicU64::new(0),
        }
    }

    /// The secret held now.
    pub fn current(&self) -> SecretString {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// The file the secret comes from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Re-reads the file. `Ok(true)` when the secret changed, `Ok(false)` when it is the same or
    /// does not come from a file. On error the secret held so far stays in use.
    pub fn reload(&self) -> Result<bool, SecretFileError> {
        let Some(path) = &self.file else {
            return Ok(false);
        };
        let fresh = read_secret_file(path)?;
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if current.expose_secret() == fresh.expose_secret() {
            return Ok(false);
        }
        *current = fresh;
        self.changes.fetch_add(1, Ordering::SeqCst);
        Ok(true)
    }

    /// How many re-reads found a new secret since start.
    pub fn changes(&self) -> u64 {
        self.changes.load(Ordering::SeqCst)
    }
}

impl fmt::Debug for M2mSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.file {
            Some(path) => write!(f, "M2mSecret(<redacted>, from file {})", path.display()),
            None => f.write_str("M2mSecret(<redacted>)"),
        }
    }
}

/// Re-reads a file-backed secret whenever the process gets SIGHUP, so a rotated secret is used
/// from the next token request on. Returns `None` (and listens to nothing) when the secret does
/// not come from a file, or signals are unavailable.
pub fn spawn_reload_on_sighup(secret: Arc<M2mSecret>) -> Option<tokio::task::JoinHandle<()>> {
    secret.file()?;
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut hangups = match signal(SignalKind::hangup()) {
            Ok(hangups) => hangups,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGHUP; the M2M secret file is re-read only when the tenant refuses the secret");
                return None;
            }
        };
        Some(tokio::spawn(async move {
            while hangups.recv().await.is_some() {
                match secret.reload() {
                    Ok(true) => tracing::info!("SIGHUP: re-read a new M2M client secret"),
                    Ok(false) => tracing::info!("SIGHUP: the M2M client secret is unchanged"),
                    Err(error) => {
                        tracing::warn!(%error, "SIGHUP: keeping the M2M client secret held")
                    }
                }
            }
        }))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, contents: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("aura-m2m-secret-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        path
    }

    #[test]
    fn the_trailing_newline_of_a_secret_file_is_not_part_of_the_secret() {
        let path = temp_file("newline", "s3cret-value\r\n");
        let secret = read_secret_file(&path).unwrap();
        assert_eq!(secret.expose_secret(), "s3cret-value");
    }

    #[test]
    fn an_empty_or_missing_secret_file_names_the_variable() {
        let empty = temp_file("empty", "\n");
        let missing = std::env::temp_dir().join("aura-m2m-secret-does-not-exist");
        for path in [empty, missing] {
            let error = read_secret_file(&path).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with("AUTH0_CLIENT_SECRET_FILE names"),
                "{error}"
            );
        }
    }

    #[test]
    fn reload_reports_a_change_only_when_the_file_changed() {
        let path = temp_file("reload", "first\n");
        let secret = M2mSecret::from_file(&path).unwrap();
        assert!(!secret.reload().unwrap());
        std::fs::write(&path, "second\n").unwrap();
        assert!(secret.reload().unwrap());
        assert_eq!(secret.current().expose_secret(), "second");
        assert_eq!(secret.changes(), 1);
    }

    #[test]
    fn a_failed_reload_keeps_the_secret_held() {
        let path = temp_file("vanishing", "kept\n");
        let secret = M2mSecret::from_file(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(secret.reload().is_err());
        assert_eq!(secret.current().expose_secret(), "kept");
    }

    #[test]
    fn debug_shows_the_source_but_not_the_secret() {
        let path = temp_file("debug", "do-not-print-me\n");
        let from_file = M2mSecret::from_file(&path).unwrap();
        let fixed = M2mSecret::fixed(SecretString::from("do-not-print-me"));
        for printed in [format!("{from_file:?}"), format!("{fixed:?}")] {
            assert!(!printed.contains("do-not-print-me"), "{printed}");
            assert!(printed.contains("redacted"), "{printed}");
        }
    }
}
