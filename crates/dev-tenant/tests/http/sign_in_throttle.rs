//! Repeated wrong passwords are slowed down: after five failures for a username (or from one
//! sign-in form) further attempts are refused, without checking the password, for a delay that
//! doubles with each further failure. The tests move the tenant's clock instead of sleeping.

use dev_tenant::DEMO_PASSWORD;

use crate::support::{query, Pkce, Reply, SignInForm, TestTenant};

const WRONG: &str = "not-the-password";

async fn fresh_form(tenant: &TestTenant) -> SignInForm {
    tenant
        .open_form(&tenant.authorize_url(&Pkce::new(), &[("prompt", "login")]))
        .await
}

/// Fails `times` sign-ins for `email`, each from a new form, each an ordinary wrong-password
/// answer.
async fn fail(tenant: &TestTenant, email: &str, times: usize) {
    for attempt in 1..=times {
        let form = fresh_form(tenant).await;
        let reply = tenant.submit(&form, email, WRONG, "login").await;
        assert_eq!(reply.status, 401, "attempt {attempt}: {}", reply.body);
        assert!(reply.body.contains("Wrong email or password."));
    }
}

#[track_caller]
fn assert_locked(reply: &Reply, secs: u64) {
    assert_eq!(reply.status, 429, "{}", reply.body);
    assert_eq!(reply.header("retry-after"), Some(secs.to_string().as_str()));
    let unit = if secs == 1 { "second" } else { "seconds" };
    assert!(
        reply
            .body
            .contains(&format!("Too many attempts, try again in {secs} {unit}.")),
        "{}",
        reply.body
    );
    // It is still the sign-in form, so the user can try again once the delay is over.
    SignInForm::parse(&reply.body);
}

/// The sixth attempt is refused even with the right password; the lock lifts after 30 s.
#[tokio::test]
async fn five_failures_lock_the_username_even_for_the_right_password() {
    let tenant = TestTenant::start().await;
    fail(&tenant, "admin@aura.test", 5).await;

    let form = fresh_form(&tenant).await;
    let locked = tenant
        .submit(&form, "Admin@Aura.test", DEMO_PASSWORD, "login")
        .await;
    assert_locked(&locked, 30);

    // Other users are not affected.
    let other = tenant.sign_in(&Pkce::new(), "shopper@aura.test").await;
    assert!(!other.is_empty());

    tenant.handle.advance_clock(29);
    let still = tenant
        .submit(
            &fresh_form(&tenant).await,
            "admin@aura.test",
            DEMO_PASSWORD,
            "login",
        )
        .await;
    assert_locked(&still, 1);

    tenant.handle.advance_clock(1);
    let reply = tenant
        .submit(
            &fresh_form(&tenant).await,
            "admin@aura.test",
            DEMO_PASSWORD,
            "login",
        )
        .await;
    assert_eq!(reply.status, 302, "{}", reply.body);
    assert!(query(&reply.location()).contains_key("code"));
}

/// Each failure after the lock lifts locks again, for twice as long.
#[tokio::test]
async fn the_delay_grows_with_further_failures() {
    let tenant = TestTenant::start().await;
    fail(&tenant, "admin@aura.test", 5).await;
    tenant.handle.advance_clock(30);
    fail(&tenant, "admin@aura.test", 1).await;
    let locked = tenant
        .submit(
            &fresh_form(&tenant).await,
            "admin@aura.test",
            WRONG,
            "login",
        )
        .await;
    assert_locked(&locked, 60);
    tenant.handle.advance_clock(60);
    fail(&tenant, "admin@aura.test", 1).await;
    let locked = tenant
        .submit(
            &fresh_form(&tenant).await,
            "admin@aura.test",
            DEMO_PASSWORD,
            "login",
        )
        .await;
    assert_locked(&locked, 120);
}

/// A correct sign-in clears the count: four failures, a success, four more do not lock.
#[tokio::test]
async fn a_successful_sign_in_clears_the_count() {
    let tenant = TestTenant::start().await;
    fail(&tenant, "admin@aura.test", 4).await;
    tenant.sign_in(&Pkce::new(), "admin@aura.test").await;
    fail(&tenant, "admin@aura.test", 4).await;
    tenant.sign_in(&Pkce::new(), "admin@aura.test").await;
}

/// One form trying many usernames (password spraying) is locked too.
#[tokio::test]
async fn one_form_trying_many_usernames_is_locked() {
    let tenant = TestTenant::start().await;
    let form = fresh_form(&tenant).await;
    for n in 0..5 {
        let reply = tenant
            .submit(&form, &format!("guess{n}@aura.test"), WRONG, "login")
            .await;
        assert_eq!(reply.status, 401, "{}", reply.body);
    }
    let locked = tenant
        .submit(&form, "shopper@aura.test", DEMO_PASSWORD, "login")
        .await;
    assert_locked(&locked, 30);
}

/// Failures older than the window (15 minutes) are forgotten.
#[tokio::test]
async fn old_failures_are_forgotten() {
    let tenant = TestTenant::start().await;
    fail(&tenant, "admin@aura.test", 4).await;
    tenant.handle.advance_clock(15 * 60);
    fail(&tenant, "admin@aura.test", 4).await;
    tenant.sign_in(&Pkce::new(), "admin@aura.test").await;
}
