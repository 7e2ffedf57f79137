//! What `/callback` decides before any network call: is this response to the sign-in this tab
//! started, and did it bring a code? Pure, so its every branch is tested natively.

use super::sign_in_request::SignInTransaction;

/// What `/callback` received in its query string.
#[derive(Clone, Debug, Default)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// Why a sign-in could not be completed; each is shown with a "Sign in again" action.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("Sign-in was cancelled or refused: {0}")]
    Denied(String),
    #[error("This sign-in link is not valid here: it was already used, or it was opened in another tab or browser.")]
    NoTransaction,
    #[error(
        "This sign-in response does not match the sign-in this tab started, so it was ignored."
    )]
    StateMismatch,
    #[error("The sign-in service could not be reached. Check your connection and try again.")]
    TenantUnreachable,
    #[error("The sign-in could not be completed: {0}")]
    ExchangeFailed(String),
    #[error("The sign-in service sent an identity that does not check out: {0}")]
    InvalidIdToken(String),
    #[error("{0}")]
    Browser(String),
}

/// The authorization code, if `params` answer `transaction`.
///
/// The tenant's own error wins (it may come with or without a transaction); then the transaction
/// must exist, its `state` must match exactly, and a code must be present.
pub fn accept_callback(
    params: &CallbackParams,
    transaction: Option<&SignInTransaction>,
) -> Result<String, CallbackError> {
    if let Some(error) = &params.error {
        return Err(CallbackError::Denied(
            params
                .error_description
                .clone()
                .unwrap_or_else(|| error.clone()),
        ));
    }
    let transaction = transaction.ok_or(CallbackError::NoTransaction)?;
    if params.state.as_deref() != Some(transaction.state.as_str()) {
        return Err(CallbackError::StateMismatch);
    }
    params
        .code
        .clone()
        .filter(|code| !code.is_empty())
        .ok_or_else(|| CallbackError::ExchangeFailed("the response carried no code".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transaction() -> SignInTransaction {
        SignInTransaction {
            verifier: "v".repeat(43),
            state: "expected-state".into(),
            nonce: "n".into(),
            return_to: "/products".into(),
        }
    }

    fn params(code: Option<&str>, state: Option<&str>) -> CallbackParams {
        CallbackParams {
            code: code.map(Into::into),
            state: state.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn a_matching_state_yields_the_code() {
        let accepted = accept_callback(
            &params(Some("c0de"), Some("expected-state")),
            Some(&transaction()),
        );
        assert_eq!(accepted, Ok("c0de".to_owned()));
    }

    #[test]
    fn a_different_or_missing_state_is_refused() {
        for state in [Some("tampered"), Some("expected-state "), Some(""), None] {
            assert_eq!(
                accept_callback(&params(Some("c0de"), state), Some(&transaction())),
                Err(CallbackError::StateMismatch),
                "state {state:?}"
            );
        }
    }

    #[test]
    fn without_a_transaction_the_callback_is_refused() {
        assert_eq!(
            accept_callback(&params(Some("c0de"), Some("expected-state")), None),
            Err(CallbackError::NoTransaction)
        );
    }

    #[test]
    fn the_tenants_error_is_shown_with_its_description() {
        let denied = CallbackParams {
            error: Some("access_denied".into()),
            error_description: Some("The user cancelled".into()),
            state: Some("expected-state".into()),
            ..Default::default()
        };
        assert_eq!(
            accept_callback(&denied, Some(&transaction())),
            Err(CallbackError::Denied("The user cancelled".into()))
        );
    }

    #[test]
    fn a_matching_state_without_a_code_is_refused() {
        assert!(matches!(
            accept_callback(&params(None, Some("expected-state")), Some(&transaction())),
            Err(CallbackError::ExchangeFailed(_))
        ));
    }
}
