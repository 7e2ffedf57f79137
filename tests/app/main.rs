//! The app's integration tests: the real server and the real local tenant on `127.0.0.1:0`,
//! spoken to over HTTP, one module per area. A single test binary links the app once.

mod ai_service;
mod catalog_pages;
mod catalog_permissions;
mod catalog_store;
mod doctor;
mod dpop_rejections;
mod key_rotation;
mod leak_guard;
mod m2m_token_client;
mod product_page_cache;
mod rest_api;
mod security_headers;
mod service;
mod several_instances;
mod sign_in_flow;
mod site_assets;
mod support;
mod token_rejections;
