//! The server-function client that adds `Authorization: Bearer <access token>`.

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
        if let Some(token) = crate::auth::browser::token_store::access_token() {
            req.headers()
                .append("Authorization", &format!("Bearer {token}"));
        }
        <BrowserClient as Client<E, IS, OS>>::send(req)
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
