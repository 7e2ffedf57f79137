//! The permissions this app knows, and who is granted what: one rule for the server's checks
//! (server functions, REST routes, the AI routes) and the UI's menus and guards.

/// Read the catalogue (`/products`, `GET /api/products`, `get_products`, …).
pub const READ_PRODUCTS: &str = "read:products";
/// Change prices and stock (`/admin/products`, `PATCH /api/products/{id}`, `update_product`).
pub const WRITE_PRODUCTS: &str = "write:products";
/// Ask the AI service for recommendations (machine-to-machine tokens only).
pub const AI_RECOMMEND: &str = "ai:recommend";

/// A permission a route requires, named by a type so that the route's signature states it
/// (`Permitted<ReadProducts>`).
pub trait Permission: Send + Sync + 'static {
    /// As it appears in the token's `permissions` (or `scope`).
    const NAME: &'static str;
}

/// [`READ_PRODUCTS`] as a type.
pub struct ReadProducts;
impl Permission for ReadProducts {
    const NAME: &'static str = READ_PRODUCTS;
}

/// [`WRITE_PRODUCTS`] as a type.
pub struct WriteProducts;
impl Permission for WriteProducts {
    const NAME: &'static str = WRITE_PRODUCTS;
}

/// The permissions an access token grants: Auth0 RBAC's `permissions` claim when present,
/// otherwise the words of `scope` (space-separated, RFC 6749 §3.3).
pub fn granted_permissions<'a>(
    permissions: Option<&'a [String]>,
    scope: Option<&'a str>,
) -> impl Iterator<Item = &'a str> {
    let from_scope = match permissions {
        Some(_) => None,
        None => scope.map(|scope| scope.split(' ').filter(|word| !word.is_empty())),
    };
    permissions
        .into_iter()
        .flatten()
        .map(String::as_str)
        .chain(from_scope.into_iter().flatten())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn granted(permissions: Option<&[String]>, scope: Option<&str>) -> Vec<String> {
        granted_permissions(permissions, scope)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_permissions_claim_wins_over_scope() {
        let permissions = vec![READ_PRODUCTS.to_owned()];
        assert_eq!(
            granted(Some(&permissions), Some("openid write:products")),
            [READ_PRODUCTS]
        );
        assert!(granted(Some(&[]), Some(WRITE_PRODUCTS)).is_empty());
    }

    #[test]
    fn without_permissions_the_scope_words_count() {
        assert_eq!(
            granted(None, Some("openid  read:products")),
            ["openid", READ_PRODUCTS]
        );
        assert!(granted(None, None).is_empty());
    }
}
