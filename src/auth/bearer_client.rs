//! The server-function client that adds `Authorization: Bearer <access token>` — or, with DPoP
//! on, `Authorization: DPoP <access token>` and a fresh `DPoP` proof for the call.

use std::future::Future;

use futures::{Sink, Stream};
use leptos::server_fn::client::{browser::BrowserClient, Client};
use leptos::server_fn::error::FromServerFnError;
use leptos::server_fn::request::browser::BrowserRequest;
use leptos::server_fn::response::browser::BrowserResponse;
use leptos::server_fn::Bytes;

/// Used as `#[server(client = BearerClient)]` on every protected server function.
///
/// It delegates to Leptos's own browser client (the browser's fetch), adding only the header, so
/// no HTTP library is compiled into the WASM bundle. On the server the type exists only so that
/// the macro's output type-checks; server-side calls run in-process and never go through it.
pub struct BearerClient;

impl<E, IS, OS> Client<E, IS, OS> for BearerClient
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    type Request = BrowserRequest;
    type Response = BrowserResponse;

    fn send(req: Self::Request) -> impl Future<Output = Result<Self::Response, E>> + Send {
        #[cfg(feature = "hydrate")]
        {
            send_wrapper::SendWrapper::new(with_token::<E, IS, OS>(req))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            <BrowserClient as Client<E, IS, OS>>::send(req)
        }
    }

    fn open_websocket(
        path: &str,
    ) -> impl Future<
        Output = Result<
            (
                impl Stream<Item = Result<Bytes, Bytes>> + Send + 'static,
                impl Sink<Bytes> + Send + 'static,
            ),
            E,
        >,
    > + Send {
        <BrowserClient as Client<E, IS, OS>>::open_websocket(path)
    }

    fn spawn(future: impl Future<Output = ()> + Send + 'static) {
        <BrowserClient as Client<E, IS, OS>>::spawn(future)
    }
}

/// Sends `req` with the stored access token, as its scheme requires, and remembers the nonce the
/// server may answer with (`DPoP-Nonce`) for the next proof. A call refused `use_dpop_nonce` is
/// retried by `protected_call`, with a new proof carrying that nonce.
#[cfg(feature = "hydrate")]
async fn with_token<E, IS, OS>(req: BrowserRequest) -> Result<BrowserResponse, E>
where
    E: FromServerFnError,
    IS: FromServerFnError,
    OS: FromServerFnError,
{
    use crate::auth::browser::dpop_key::KeyUse;
    use crate::auth::browser::dpop_proof::{make_proof, remember_nonce, ProofRequest};
    use crate::auth::browser::{page_config, token_store};

    let url = req.url();
    if let Some(token) = token_store::access_token() {
        let dpop = page_config::dpop_on();
        if dpop {
            let proof = make_proof(ProofRequest {
                method: req.method().to_string(),
                url: url.clone(),
                access_token: Some(token.clone()),
                key_use: KeyUse::Bound,
            })
            .await;
            match proof {
                Ok(proof) => {
                    req.headers().set("Authorization", &format!("DPoP {token}"));
                    req.headers().set("DPoP", &proof);
                }
                // Sent without: the server's 401 ends the session with a way back in.
                Err(problem) => leptos::logging::warn!("no DPoP proof for {url}: {problem}"),
            }
        } else {
            req.headers()
                .append("Authorization", &format!("Bearer {token}"));
        }
    }
    let response = <BrowserClient as Client<E, IS, OS>>::send(req).await;
    if let Ok(response) = &response {
        if let Some(nonce) = response
            .generate_headers()
            .get("dpop-nonce")
            .and_then(|nonce| nonce.to_str().ok())
        {
            remember_nonce(&url, nonce);
        }
    }
    response
}
