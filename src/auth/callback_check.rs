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
    /// An error response that does not carry this tab's `state`: anyone can craft such a link,
    /// so its text is not shown and the sign-in this tab started is kept.
    #[error("A sign-in response that does not belong to this tab was ignored.")]
    UntrustedError,
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
/// The transaction must exist and its `state` match exactly. Then the tenant's error, if any, is
/// shown in its own words; an error without this tab's state is [`CallbackError::UntrustedError`]
/// (its text is never shown). Otherwise a code must be present.
pub fn accept_callback(
    params: &CallbackParams,
    transaction: Option<&SignInTransaction>,
) -> Result<String, CallbackError> {
    let ours = transaction.filter(|t| params.state.as_deref() == Some(t.state.as_str()));
    if let Some(error) = &params.error {
        return match ours {
            Some(_) => Err(CallbackError::Denied(
                params
                    .error_description
                    .clone()
                    .unwrap_or_else(|| error.clone()),
            )),
            None => Err(CallbackError::UntrustedError),
        };
    }
    transaction.ok_or(CallbackError::NoTransaction)?;
    if ours.is_none() {
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
    fn an_error_without_this_tabs_state_is_not_believed() {
        let forged = |state: Option<&str>| CallbackParams {
            error: Some("access_denied".into()),
            error_description: Some("Call +1 555 0100 to unlock your account".into()),
            state: state.map(Into::into),
            ..Default::default()
        };
        for (state, transaction) in [
            (None, Some(transaction())),
            (Some("another-tabs-state"), Some(transaction())),
            (Some("expected-state"), None),
        ] {
            let refused = accept_callback(&forged(state), transaction.as_ref());
            assert_eq!(refused, Err(CallbackError::UntrustedError), "{state:?}");
            assert!(!refused.unwrap_err().to_string().contains("555"));
        }
    }

    #[test]
    fn a_matching_state_without_a_code_is_refused() {
        assert!(matches!(
            accept_callback(&params(None, Some("expected-state")), Some(&transaction())),
            Err(CallbackError::ExchangeFailed(_))
        ));
    }
}
