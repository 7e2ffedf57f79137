//! The `dev-tenant` binary: help, refusal of non-loopback addresses, and serving with a
//! config file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::{read, temp_dir, SignInForm};

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dev-tenant"))
}

/// `--help` explains the defaults and exits successfully.
#[test]
fn help_explains_itself() {
    let output = binary().arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for expected in [
        "127.0.0.1:4000",
        "aura-spa",
        "aura-m2m",
        "aura-m2m-dev-secret",
        "https://api.auracommerce.com",
        "admin@aura.test",
        "shopper@aura.test",
        "aura-demo",
        "--config",
        "loopback",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
}

/// A non-loopback address is refused before anything is bound.
#[test]
fn a_non_loopback_address_is_refused() {
    let output = binary().args(["--addr", "0.0.0.0:4000"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stderr).unwrap();
    assert!(text.contains("not a loopback address"), "{text}");
}

/// Kills the child process when the test ends, pass or fail.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The binary serves on a free port and takes extra users and origins from a config file.
#[tokio::test]
async fn the_binary_serves_with_a_config_file() {
    let dir = temp_dir("binary");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("tenant.json");
    std::fs::write(
        &config,
        r#"{ "users": [{ "email": "ops@aura.test", "password": "aura-demo", "name": "Olu Ops",
                         "role": "operator", "permissions": ["read:products"] }],
             "allowed_app_origins": ["http://127.0.0.1:8080"] }"#,
    )
    .unwrap();
    let mut child = Child(
        binary()
            .args(["--addr", "127.0.0.1:0", "--config"])
            .arg(&config)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // The binary prints one line once it is listening; waiting for it is the readiness check.
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let discovery = read(
        http.get(format!("{base}.well-known/openid-configuration"))
            .send()
            .await
            .unwrap(),
    )
    .await
    .json();
    assert_eq!(discovery["issuer"], base.as_str());

    let mut authorize = url::Url::parse(&format!("{base}authorize")).unwrap();
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "aura-spa")
        .append_pair("redirect_uri", "http://127.0.0.1:8080/callback")
        .append_pair("code_challenge", &"a".repeat(43))
        .append_pair("code_challenge_method", "S256");
    let page = read(http.get(authorize).send().await.unwrap()).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let form = SignInForm::parse(&page.body);
    assert!(form.html.contains("ops@aura.test"));
    let _ = std::fs::remove_dir_all(&dir);
}
