//! The AWS emulator as tests see it: the environment Terraform gets (endpoint, test
//! credentials, region) and SDK clients pointed at the same place, so checks can ask the
//! emulator directly instead of trusting the provider's own reads.

use std::future::Future;
use std::net::{TcpStream, ToSocketAddrs};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;

use super::state::State;

/// Where the emulator is and how to talk to it. Values already in the environment win, so
/// the same suite can run against another LocalStack-compatible endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorSettings {
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    pub region: String,
}

pub fn emulator_settings() -> EmulatorSettings {
    settings_from(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
}

fn settings_from(get: impl Fn(&str) -> Option<String>) -> EmulatorSettings {
    let port = get("FLYWHEEL_EMULATOR_PORT").unwrap_or_else(|| "4566".into());
    EmulatorSettings {
        endpoint: get("AWS_ENDPOINT_URL").unwrap_or_else(|| format!("http://127.0.0.1:{port}")),
        access_key: get("AWS_ACCESS_KEY_ID").unwrap_or_else(|| "test".into()),
        secret_key: get("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|| "test".into()),
        region: get("AWS_REGION").unwrap_or_else(|| "us-east-1".into()),
    }
}

impl EmulatorSettings {
    /// Variables every Terraform run gets (the provider reads the standard AWS ones).
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("AWS_ENDPOINT_URL".into(), self.endpoint.clone()),
            ("AWS_ACCESS_KEY_ID".into(), self.access_key.clone()),
            ("AWS_SECRET_ACCESS_KEY".into(), self.secret_key.clone()),
            ("AWS_REGION".into(), self.region.clone()),
        ]
    }

    /// Fail fast, with the fix, when nothing listens on the endpoint.
    pub fn check_reachable(&self) -> Result<()> {
        let (host, port) = host_port(&self.endpoint)?;
        let addr = (host.as_str(), port)
            .to_socket_addrs()
            .with_context(|| format!("resolving {host}:{port}"))?
            .next()
            .ok_or_else(|| anyhow!("{host}:{port} resolves to nothing"))?;
        TcpStream::connect_timeout(&addr, Duration::from_secs(3)).map_err(|e| {
            anyhow!(
                "the AWS emulator is not reachable at {} ({e}): start it with \
                 `test-fixtures/emulator.sh start` (port from FLYWHEEL_EMULATOR_PORT) \
                 or set AWS_ENDPOINT_URL",
                self.endpoint
            )
        })?;
        Ok(())
    }
}

/// `(host, port)` of an `http(s)://host[:port][/path]` URL.
pub fn host_port(url: &str) -> Result<(String, u16)> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| anyhow!("endpoint {url:?} has no scheme"))?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let default_port = match scheme {
        "http" => 80,
        "https" => 443,
        _ => bail!("endpoint {url:?}: unsupported scheme {scheme:?}"),
    };
    let parse_port = |p: &str| p.parse::<u16>().with_context(|| format!("port in {url:?}"));
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        // IPv6 literal: `[::1]:4566`.
        let (h, after) = bracketed
            .split_once(']')
            .ok_or_else(|| anyhow!("endpoint {url:?}: unclosed IPv6 literal"))?;
        let port = match after.strip_prefix(':') {
            Some(p) => parse_port(p)?,
            None => default_port,
        };
        (h.to_string(), port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), parse_port(p)?),
            None => (authority.to_string(), default_port),
        }
    };
    if host.is_empty() {
        bail!("endpoint {url:?} has no host");
    }
    Ok((host, port))
}

/// SDK clients for the emulator. Clones share connections.
#[derive(Clone, Debug)]
pub struct Clients {
    pub glue: aws_sdk_glue::Client,
    pub s3: aws_sdk_s3::Client,
    pub iam: aws_sdk_iam::Client,
    pub sts: aws_sdk_sts::Client,
    pub sns: aws_sdk_sns::Client,
    pub events: aws_sdk_eventbridge::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub budgets: aws_sdk_budgets::Client,
}

impl Clients {
    pub async fn new(settings: &EmulatorSettings) -> Clients {
        // The provider's own HTTP stack (rustls with ring): the SDK crates are built without
        // their default client.
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::Ring,
            ))
            .build_https();
        let config = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .endpoint_url(&settings.endpoint)
            .region(Region::new(settings.region.clone()))
            .credentials_provider(Credentials::new(
                &settings.access_key,
                &settings.secret_key,
                None,
                None,
                "acceptance-tests",
            ))
            .load()
            .await;
        // Emulators serve S3 on one host, so buckets must go in the path, not the hostname.
        let s3_config = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build();
        Clients {
            glue: aws_sdk_glue::Client::new(&config),
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            iam: aws_sdk_iam::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            sns: aws_sdk_sns::Client::new(&config),
            events: aws_sdk_eventbridge::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            budgets: aws_sdk_budgets::Client::new(&config),
        }
    }
}

/// Clients for the emulator named by the environment.
pub async fn clients() -> Clients {
    Clients::new(&emulator_settings()).await
}

/// Trust policy of the roles [`ensure_role`] makes: Glue may assume them.
const GLUE_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"glue.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// Makes sure the IAM role `role` (a name, `path/name` or a role ARN) exists in the
/// emulator, Glue trusted: Glue's CreateCrawler refuses a role that does not exist, and the
/// provider would wait out its IAM-propagation deadline. Idempotent (a role of that name
/// already there, whatever its path, is enough), so tests side by side may share a role.
pub async fn ensure_role(aws: &Clients, role: &str) -> Result<()> {
    let path_name = role.split_once(":role/").map_or(role, |(_, rest)| rest);
    let (path, name) = match path_name.rsplit_once('/') {
        Some((path, name)) => (format!("/{path}/"), name),
        None => ("/".to_string(), path_name),
    };
    match aws
        .iam
        .create_role()
        .role_name(name)
        .path(path)
        .assume_role_policy_document(GLUE_TRUST)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_entity_already_exists_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(anyhow!("CreateRole {name}: {e:?}")),
    }
}

/// The account the emulator says the test credentials belong to.
pub async fn emulator_account_id() -> Result<String> {
    let out = clients()
        .await
        .sts
        .get_caller_identity()
        .send()
        .await
        .context("STS GetCallerIdentity against the emulator")?;
    out.account
        .ok_or_else(|| anyhow!("emulator's GetCallerIdentity returned no account"))
}

/// What emulator callbacks (checks, out-of-band changes, destroy checks) receive.
#[derive(Clone)]
pub struct Ctx {
    pub aws: Clients,
    /// The latest state the harness read: after the step's apply for checks, before the
    /// step for `pre_apply`, before the destroy for `check_destroy`.
    pub state: Arc<State>,
}

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// An async callback against the emulator, boxed so steps can hold several.
pub type EmulatorFn = Arc<dyn Fn(Ctx) -> BoxFuture<Result<()>>>;

/// Box an `async` closure: `emulator_fn(|ctx| async move { ... })`.
pub fn emulator_fn<F, Fut>(f: F) -> EmulatorFn
where
    F: Fn(Ctx) -> Fut + 'static,
    Fut: Future<Output = Result<()>> + 'static,
{
    Arc::new(move |ctx| Box::pin(f(ctx)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn from(pairs: &[(&str, &str)]) -> EmulatorSettings {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        settings_from(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults_follow_the_emulator_port() {
        assert_eq!(
            from(&[]),
            EmulatorSettings {
                endpoint: "http://127.0.0.1:4566".into(),
                access_key: "test".into(),
                secret_key: "test".into(),
                region: "us-east-1".into(),
            }
        );
        assert_eq!(
            from(&[("FLYWHEEL_EMULATOR_PORT", "4577")]).endpoint,
            "http://127.0.0.1:4577"
        );
    }

    #[test]
    fn environment_wins() {
        let s = from(&[
            ("FLYWHEEL_EMULATOR_PORT", "4577"),
            ("AWS_ENDPOINT_URL", "http://localhost:9000"),
            ("AWS_SECRET_ACCESS_KEY", "other"),
            ("AWS_REGION", "eu-west-1"),
        ]);
        assert_eq!(s.endpoint, "http://localhost:9000");
        assert_eq!(s.secret_key, "other");
        assert_eq!(s.access_key, "test");
        assert_eq!(s.region, "eu-west-1");
        assert!(s
            .env()
            .contains(&("AWS_ENDPOINT_URL".into(), "http://localhost:9000".into())));
    }

    #[test]
    fn endpoint_host_and_port() {
        assert_eq!(
            host_port("http://127.0.0.1:4566").unwrap(),
            ("127.0.0.1".into(), 4566)
        );
        assert_eq!(
            host_port("http://localhost:4577/").unwrap(),
            ("localhost".into(), 4577)
        );
        assert_eq!(
            host_port("https://example.test/x").unwrap(),
            ("example.test".into(), 443)
        );
        assert_eq!(
            host_port("http://[::1]:4566").unwrap(),
            ("::1".into(), 4566)
        );
        assert_eq!(host_port("http://[::1]").unwrap(), ("::1".into(), 80));
        assert!(host_port("127.0.0.1:4566").is_err());
        assert!(host_port("http://:4566").is_err());
        assert!(host_port("http://h:port").is_err());
    }
}
