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

/// `gty` of tokens issued through the client_credentials grant (Auth0's marker of M2M tokens).
pub const CLIENT_CREDENTIALS_GTY: &str = "client-credentials";

/// What the 403 says to a user whose token has no `permissions` claim (and the UI shows).
pub const RBAC_ADVICE: &str = "this token has no permissions claim: in the Auth0 dashboard, open Applications > APIs > your API > Settings, turn on Enable RBAC and Add Permissions in the Access Token, then sign in again";

/// Who a token was issued to, as far as granting goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grantee {
    /// A person, through the browser's sign-in.
    User,
    /// A machine, through the client_credentials grant (`gty: client-credentials`).
    Machine,
}

impl Grantee {
    /// From the token's `gty` claim.
    pub fn from_gty(gty: Option<&str>) -> Self {
        if gty == Some(CLIENT_CREDENTIALS_GTY) {
            Grantee::Machine
        } else {
            Grantee::User
        }
    }
}

/// The permissions an access token grants: Auth0 RBAC's `permissions` claim when present;
/// without it, the words of `scope` (space-separated, RFC 6749 §3.3) for a machine token only.
/// A user's `scope` grants nothing: with RBAC off, Auth0 puts into it every API scope the user
/// *asked for*, so it would let any shopper grant themselves `write:products`.
pub fn granted_permissions<'a>(
    permissions: Option<&'a [String]>,
    scope: Option<&'a str>,
    grantee: Grantee,
) -> impl Iterator<Item = &'a str> {
    let from_scope = match (permissions, grantee) {
        (None, Grantee::Machine) => {
            scope.map(|scope| scope.split(' ').filter(|word| !word.is_empty()))
        }
        _ => None,
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

    fn granted(
        permissions: Option<&[String]>,
        scope: Option<&str>,
        grantee: Grantee,
    ) -> Vec<String> {
        granted_permissions(permissions, scope, grantee)
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn the_permissions_claim_wins_over_scope() {
        let permissions = vec![READ_PRODUCTS.to_owned()];
        for grantee in [Grantee::User, Grantee::Machine] {
            assert_eq!(
                granted(Some(&permissions), Some("openid write:products"), grantee),
                [READ_PRODUCTS]
            );
            assert!(granted(Some(&[]), Some(WRITE_PRODUCTS), grantee).is_empty());
        }
    }

    #[test]
    fn without_permissions_a_machines_scope_words_count() {
        assert_eq!(
            granted(None, Some("read:products  ai:recommend"), Grantee::Machine),
            [READ_PRODUCTS, AI_RECOMMEND]
        );
        assert!(granted(None, None, Grantee::Machine).is_empty());
    }

    #[test]
    fn a_users_scope_grants_nothing() {
        assert!(granted(None, Some("openid write:products"), Grantee::User).is_empty());
    }

    #[test]
    fn only_the_client_credentials_gty_is_a_machine() {
        assert_eq!(
            Grantee::from_gty(Some("client-credentials")),
            Grantee::Machine
        );
        assert_eq!(Grantee::from_gty(Some("password")), Grantee::User);
        assert_eq!(Grantee::from_gty(None), Grantee::User);
    }
}
