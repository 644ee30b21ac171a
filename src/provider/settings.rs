//! The provider block: its Terraform shape (`ProviderConfig`), and the validated, plain
//! settings (`Settings`) that `configure` connects with. Conversion is pure so that
//! `terraform validate` reports every mistake, naming the attribute, before any AWS call.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;
use tf_provider::{AttributePath, Diagnostics};

use crate::aws::errors::redact_userinfo;
use crate::aws::regions;
use crate::validate;
use crate::values::Number;

#[derive(Serialize, Deserialize, Debug, Default, Clone)]
pub struct ProviderConfig {
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub profile: Value<String>,
    #[serde(default, with = "crate::values::optional_block")]
    pub assume_role: Value<AssumeRoleConfig>,
    #[serde(default, with = "crate::values::optional_block")]
    pub endpoints: Value<EndpointsConfig>,
    #[serde(default)]
    pub s3_use_path_style: Value<bool>,
    #[serde(default)]
    pub skip_credentials_validation: Value<bool>,
    #[serde(default)]
    pub skip_requesting_account_id: Value<bool>,
    #[serde(default)]
    pub skip_region_validation: Value<bool>,
    #[serde(default)]
    pub allowed_account_ids: Value<BTreeSet<Value<String>>>,
    #[serde(default)]
    pub default_tags: Value<BTreeMap<String, Value<String>>>,
    #[serde(default)]
    pub max_retries: Value<Number>,
    #[serde(default)]
    pub http_timeout_seconds: Value<Number>,
    #[serde(default)]
    pub operation_timeout_seconds: Value<Number>,
    #[serde(default)]
    pub dpu_hour_price_usd: Value<Number>,
    #[serde(default, with = "crate::values::optional_block")]
    pub guardrails: Value<super::cost::GuardrailsConfig>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone)]
pub struct AssumeRoleConfig {
    #[serde(default)]
    pub role_arn: Value<String>,
    #[serde(default)]
    pub session_name: Value<String>,
    #[serde(default)]
    pub external_id: Value<String>,
    #[serde(default)]
    pub duration: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone)]
pub struct EndpointsConfig {
    #[serde(default)]
    pub glue: Value<String>,
    #[serde(default)]
    pub s3: Value<String>,
    #[serde(default)]
    pub iam: Value<String>,
    #[serde(default)]
    pub sts: Value<String>,
    #[serde(default)]
    pub sns: Value<String>,
    #[serde(default)]
    pub events: Value<String>,
    #[serde(default)]
    pub tagging: Value<String>,
    #[serde(default)]
    pub cloudwatch: Value<String>,
    #[serde(default)]
    pub budgets: Value<String>,
}

/// Validated settings. Unknown values (sent by Terraform during plan) are `None`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Settings {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub assume_role: Option<AssumeRole>,
    pub endpoints: Endpoints,
    pub s3_use_path_style: Option<bool>,
    pub skip_credentials_validation: bool,
    pub skip_requesting_account_id: bool,
    /// `None` when not set (or unknown): any account is allowed.
    pub allowed_account_ids: Option<BTreeSet<String>>,
    pub default_tags: BTreeMap<String, String>,
    pub max_retries: u32,
    /// `None`: the default (`aws::retry::DEFAULT_ATTEMPT_TIMEOUT`).
    pub http_timeout: Option<Duration>,
    /// `None`: the default (`aws::retry::DEFAULT_DEADLINE`).
    pub operation_timeout: Option<Duration>,
    /// `None`: the regional table's price (`model::cost`).
    pub dpu_hour_price_usd: Option<f64>,
    pub guardrails: Option<crate::model::guardrails::Guardrails>,
}

pub use crate::aws::connect::{AssumeRole, Endpoints};

impl Settings {
    /// What the AWS clients are built from.
    pub fn connect_options(&self) -> crate::aws::connect::ConnectOptions {
        crate::aws::connect::ConnectOptions {
            region: self.region.clone(),
            profile: self.profile.clone(),
            assume_role: self.assume_role.clone(),
            endpoints: self.endpoints.clone(),
            s3_use_path_style: self.s3_use_path_style,
            default_tags: self.default_tags.clone(),
            max_retries: self.max_retries,
            http_timeout: self.http_timeout,
            operation_timeout: self.operation_timeout,
        }
    }
}

pub const DEFAULT_MAX_RETRIES: u32 = crate::aws::retry::DEFAULT_MAX_RETRIES;
const MAX_MAX_RETRIES: i64 = 100;
pub const MAX_HTTP_TIMEOUT_SECONDS: i64 = 900;
pub const MAX_OPERATION_TIMEOUT_SECONDS: i64 = 3600;

/// Validates the provider block. Errors go to `diags` with their attribute paths; the
/// returned settings are only meaningful when `diags` has no errors.
pub fn from_config(config: &ProviderConfig, diags: &mut Diagnostics) -> Settings {
    let mut s = Settings {
        region: known(&config.region),
        profile: known(&config.profile),
        s3_use_path_style: config.s3_use_path_style.as_ref_option().copied(),
        skip_credentials_validation: config
            .skip_credentials_validation
            .as_ref_option()
            .copied()
            .unwrap_or(false),
        skip_requesting_account_id: config
            .skip_requesting_account_id
            .as_ref_option()
            .copied()
            .unwrap_or(false),
        max_retries: DEFAULT_MAX_RETRIES,
        ..Default::default()
    };
    let skip_region_validation = config
        .skip_region_validation
        .as_ref_option()
        .copied()
        .unwrap_or(false);

    if let Some(region) = &s.region {
        if !regions::is_well_formed(region) {
            diags.error(
                "Invalid region",
                format!("region {region:?} is not an AWS region name (for example \"us-east-1\")."),
                AttributePath::new("region"),
            );
        } else if !skip_region_validation && !regions::is_known(region) {
            diags.error(
                "Unknown region",
                format!("region {region:?} is not a known AWS region. Check the spelling, or set skip_region_validation = true for a region newer than this provider."),
                AttributePath::new("region"),
            );
        }
    }
    if s.profile.as_deref() == Some("") {
        diags.error_short("profile must not be empty", AttributePath::new("profile"));
    }

    if let Value::Value(ar) = &config.assume_role {
        s.assume_role = assume_role(ar, diags);
    }
    if let Value::Value(ep) = &config.endpoints {
        s.endpoints = endpoints(ep, diags);
    }

    if let Value::Value(ids) = &config.allowed_account_ids {
        let mut out = BTreeSet::new();
        let mut all_known = true;
        for id in ids {
            match id {
                Value::Value(id) => {
                    if let Err(msg) = validate::account_id(id) {
                        diags.error(
                            "Invalid account ID",
                            format!("allowed_account_ids: {msg}."),
                            AttributePath::new("allowed_account_ids"),
                        );
                    }
                    out.insert(id.clone());
                }
                _ => all_known = false,
            }
        }
        // An unknown member means the guard can only be checked at apply.
        if all_known {
            s.allowed_account_ids = Some(out);
        }
    }

    if let Value::Value(tags) = &config.default_tags {
        if tags.len() > crate::model::tags::MAX_USER_TAGS {
            diags.error(
                "Too many default tags",
                format!(
                    "default_tags: {} tags given; AWS allows 50 tags on an object and the provider adds up to 4 of its own, so set at most {} tags.",
                    tags.len(),
                    crate::model::tags::MAX_USER_TAGS
                ),
                AttributePath::new("default_tags"),
            );
        }
        for (k, v) in tags {
            if k.is_empty() || k.chars().count() > 128 {
                diags.error(
                    "Invalid tag key",
                    format!("Tag keys must be 1 to 128 characters; {k:?} is not."),
                    AttributePath::new("default_tags").key(k.clone()),
                );
            } else if k.to_ascii_lowercase().starts_with("aws:") {
                diags.error(
                    "Reserved tag key",
                    format!("Tag key {k:?} uses the reserved prefix \"aws:\"."),
                    AttributePath::new("default_tags").key(k.clone()),
                );
            }
            if let Value::Value(v) = v {
                if v.chars().count() > 256 {
                    diags.error_short(
                        "Tag values must be at most 256 characters",
                        AttributePath::new("default_tags").key(k.clone()),
                    );
                }
                s.default_tags.insert(k.clone(), v.clone());
            }
        }
    }

    if let Value::Value(n) = config.max_retries {
        match n.as_i64() {
            Some(v) if (0..=MAX_MAX_RETRIES).contains(&v) => s.max_retries = v as u32,
            _ => diags.error(
                "Invalid max_retries",
                format!(
                    "max_retries must be a whole number from 0 to {MAX_MAX_RETRIES}; got {}.",
                    n.0
                ),
                AttributePath::new("max_retries"),
            ),
        }
    }
    s.http_timeout = seconds(
        &config.http_timeout_seconds,
        "http_timeout_seconds",
        MAX_HTTP_TIMEOUT_SECONDS,
        diags,
    );
    s.operation_timeout = seconds(
        &config.operation_timeout_seconds,
        "operation_timeout_seconds",
        MAX_OPERATION_TIMEOUT_SECONDS,
        diags,
    );
    s.dpu_hour_price_usd = super::cost::dpu_hour_price(&config.dpu_hour_price_usd, diags);
    s.guardrails = super::cost::guardrails(&config.guardrails, diags);
    // Unset, the attempt timeout simply follows a shorter operation timeout.
    if let (Some(http), Some(operation)) = (s.http_timeout, s.operation_timeout) {
        if operation < http {
            diags.error(
                "Invalid operation_timeout_seconds",
                format!(
                    "operation_timeout_seconds ({}) bounds all attempts of one call, so it must be at least http_timeout_seconds ({}), which bounds one attempt.",
                    operation.as_secs(),
                    http.as_secs()
                ),
                AttributePath::new("operation_timeout_seconds"),
            );
        }
    }
    s
}

/// A whole number of seconds from 1 to `max`; `None` when unset or unknown.
fn seconds(
    v: &Value<Number>,
    name: &'static str,
    max: i64,
    diags: &mut Diagnostics,
) -> Option<Duration> {
    let n = v.as_ref_option()?;
    match n.as_i64() {
        Some(secs) if (1..=max).contains(&secs) => Some(Duration::from_secs(secs as u64)),
        _ => {
            diags.error(
                format!("Invalid {name}"),
                format!(
                    "{name} must be a whole number of seconds from 1 to {max}; got {}.",
                    n.0
                ),
                AttributePath::new(name),
            );
            None
        }
    }
}

fn assume_role(ar: &AssumeRoleConfig, diags: &mut Diagnostics) -> Option<AssumeRole> {
    let path = || AttributePath::new("assume_role").index(0);
    let role_arn = match &ar.role_arn {
        Value::Value(arn) => {
            if let Err(msg) = validate::role_arn(arn) {
                // The detail names the attribute: Terraform shows no path for the provider block.
                let msg = format!("assume_role.role_arn: {msg}");
                diags.error("Invalid role_arn", msg, path().attribute("role_arn"));
            }
            arn.clone()
        }
        Value::Null => {
            diags.error_short("assume_role needs role_arn", path().attribute("role_arn"));
            return None;
        }
        // Known at apply; nothing to assume during this plan.
        Value::Unknown => return None,
    };
    let duration = match &ar.duration {
        Value::Value(d) => match validate::go_duration(d) {
            Ok(dur) if (900..=43200).contains(&dur.as_secs()) => Some(dur),
            Ok(_) => {
                diags.error(
                    "Invalid duration",
                    format!("assume_role.duration: {d:?} must be between 15m and 12h."),
                    path().attribute("duration"),
                );
                None
            }
            Err(msg) => {
                let msg = format!("assume_role.duration: {msg}");
                diags.error("Invalid duration", msg, path().attribute("duration"));
                None
            }
        },
        _ => None,
    };
    if let Value::Value(name) = &ar.session_name {
        let ok = (2..=64).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "=,.@-_".contains(c));
        if !ok {
            diags.error(
                "Invalid session_name",
                format!("session_name {name:?} must be 2 to 64 characters of letters, digits and =,.@-_"),
                path().attribute("session_name"),
            );
        }
    }
    if let Value::Value(id) = &ar.external_id {
        if !(2..=1224).contains(&id.len()) {
            diags.error_short(
                "external_id must be 2 to 1224 characters",
                path().attribute("external_id"),
            );
        }
    }
    Some(AssumeRole {
        role_arn,
        session_name: known(&ar.session_name),
        external_id: known(&ar.external_id),
        duration,
    })
}

fn endpoints(ep: &EndpointsConfig, diags: &mut Diagnostics) -> Endpoints {
    let mut check = |name: &'static str, v: &Value<String>| -> Option<String> {
        let url = known(v)?;
        if let Err(msg) = validate::endpoint_url(&url) {
            let shown = redact_userinfo(&url);
            diags.error(
                "Invalid endpoint URL",
                format!("endpoints.{name} = {shown:?} {msg}. Use a URL such as \"http://127.0.0.1:4566\"."),
                AttributePath::new("endpoints").index(0).attribute(name),
            );
        }
        Some(url)
    };
    Endpoints {
        glue: check("glue", &ep.glue),
        s3: check("s3", &ep.s3),
        iam: check("iam", &ep.iam),
        sts: check("sts", &ep.sts),
        sns: check("sns", &ep.sns),
        events: check("events", &ep.events),
        tagging: check("tagging", &ep.tagging),
        cloudwatch: check("cloudwatch", &ep.cloudwatch),
        budgets: check("budgets", &ep.budgets),
    }
}

fn known(v: &Value<String>) -> Option<String> {
    v.as_ref_option().cloned()
}

/// The allowed-account guard: `Err` names the account found and the allowed ones.
pub fn check_account(allowed: Option<&BTreeSet<String>>, found: &str) -> Result<(), String> {
    match allowed {
        Some(ids) if !ids.contains(found) => Err(format!(
            "The AWS credentials belong to account {found}, which is not in allowed_account_ids ({}). Use credentials for an allowed account, or change allowed_account_ids if this account is intended.",
            ids.iter().cloned().collect::<Vec<_>>().join(", ")
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_for(config: ProviderConfig) -> Vec<(String, String)> {
        let mut diags = Diagnostics::default();
        from_config(&config, &mut diags);
        diags
            .errors
            .iter()
            .map(|d| (d.summary.to_string(), format!("{:?}", d.attribute)))
            .collect()
    }

    fn s(v: &str) -> Value<String> {
        Value::Value(v.to_string())
    }

    #[test]
    fn blocks_decode_from_terraform_msgpack_including_an_unknown_list() {
        // Terraform's encoding of `endpoints` as a list, as null, and as unknown (a
        // `dynamic` block whose for_each is not known yet): msgpack ext type 0.
        let unknown = [0xd4u8, 0x00, 0x00];
        let decode = |endpoints: &[u8]| -> Result<ProviderConfig, rmp_serde::decode::Error> {
            let mut buf = vec![0x81]; // map of one entry
            rmp_serde::encode::write(&mut buf, "endpoints").unwrap();
            buf.extend_from_slice(endpoints);
            rmp_serde::from_slice(&buf)
        };
        let c = decode(&unknown).expect("unknown list decodes");
        assert!(c.endpoints.is_unknown());
        let c = decode(&[0xc0]).expect("null decodes");
        assert!(c.endpoints.is_null());
        let mut one = vec![0x91, 0x81];
        rmp_serde::encode::write(&mut one, "sts").unwrap();
        rmp_serde::encode::write(&mut one, "http://127.0.0.1:4566").unwrap();
        let c = decode(&one).expect("one block decodes");
        let sts = c
            .endpoints
            .as_ref_option()
            .and_then(|e| e.sts.as_ref_option().cloned());
        assert_eq!(sts.as_deref(), Some("http://127.0.0.1:4566"));
        assert!(
            decode(&[0x92, 0x80, 0x80]).is_err(),
            "two blocks are refused"
        );
        // And it encodes back the way Terraform expects: a list.
        let back = rmp_serde::to_vec(&c).unwrap();
        let again: ProviderConfig = rmp_serde::from_slice(&back).unwrap();
        assert!(again.endpoints.is_value());
    }

    #[test]
    fn empty_config_is_valid_with_defaults() {
        let mut diags = Diagnostics::default();
        let settings = from_config(&ProviderConfig::default(), &mut diags);
        assert!(diags.errors.is_empty());
        assert_eq!(settings.max_retries, DEFAULT_MAX_RETRIES);
        assert_eq!(settings.allowed_account_ids, None);
    }

    #[test]
    fn more_default_tags_than_aws_allows_are_refused() {
        let tags = |n: usize| {
            let m = (0..n).map(|i| (format!("k{i}"), s("v"))).collect();
            ProviderConfig {
                default_tags: Value::Value(m),
                ..Default::default()
            }
        };
        assert!(errors_for(tags(46)).is_empty());
        let errors = errors_for(tags(47));
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "Too many default tags");
        assert!(errors[0].1.contains("default_tags"), "{errors:?}");
    }

    #[test]
    fn unknown_values_are_accepted_and_left_unset() {
        let config = ProviderConfig {
            region: Value::Unknown,
            allowed_account_ids: Value::Unknown,
            max_retries: Value::Unknown,
            assume_role: Value::Value(AssumeRoleConfig {
                role_arn: Value::Unknown,
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        let settings = from_config(&config, &mut diags);
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        assert_eq!(settings.region, None);
        assert_eq!(settings.assume_role, None);
    }

    #[test]
    fn invalid_values_name_their_attribute() {
        let cases: Vec<(ProviderConfig, &str)> = vec![
            (
                ProviderConfig {
                    region: s("mars-north-1"),
                    ..Default::default()
                },
                "region",
            ),
            (
                ProviderConfig {
                    region: s("US_EAST_1"),
                    ..Default::default()
                },
                "region",
            ),
            (
                ProviderConfig {
                    max_retries: Value::Value(Number(-1.0)),
                    ..Default::default()
                },
                "max_retries",
            ),
            (
                ProviderConfig {
                    max_retries: Value::Value(Number(2.5)),
                    ..Default::default()
                },
                "max_retries",
            ),
            (
                ProviderConfig {
                    allowed_account_ids: Value::Value([s("12345")].into()),
                    ..Default::default()
                },
                "allowed_account_ids",
            ),
            (
                ProviderConfig {
                    endpoints: Value::Value(EndpointsConfig {
                        sts: s("not a url::"),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                "sts",
            ),
            (
                ProviderConfig {
                    assume_role: Value::Value(AssumeRoleConfig {
                        role_arn: s("my-role"),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                "role_arn",
            ),
            (
                ProviderConfig {
                    assume_role: Value::Value(AssumeRoleConfig {
                        role_arn: s("arn:aws:iam::239083076653:role/deployer"),
                        duration: s("5m"),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                "duration",
            ),
            (
                ProviderConfig {
                    default_tags: Value::Value([("aws:owner".to_string(), s("x"))].into()),
                    ..Default::default()
                },
                "default_tags",
            ),
            (
                ProviderConfig {
                    http_timeout_seconds: Value::Value(Number(0.0)),
                    ..Default::default()
                },
                "http_timeout_seconds",
            ),
            (
                ProviderConfig {
                    http_timeout_seconds: Value::Value(Number(2.5)),
                    ..Default::default()
                },
                "http_timeout_seconds",
            ),
            (
                ProviderConfig {
                    http_timeout_seconds: Value::Value(Number(901.0)),
                    operation_timeout_seconds: Value::Value(Number(1000.0)),
                    ..Default::default()
                },
                "http_timeout_seconds",
            ),
            (
                ProviderConfig {
                    operation_timeout_seconds: Value::Value(Number(-5.0)),
                    ..Default::default()
                },
                "operation_timeout_seconds",
            ),
            (
                ProviderConfig {
                    operation_timeout_seconds: Value::Value(Number(3601.0)),
                    ..Default::default()
                },
                "operation_timeout_seconds",
            ),
            // One call's bound below one attempt's.
            (
                ProviderConfig {
                    http_timeout_seconds: Value::Value(Number(30.0)),
                    operation_timeout_seconds: Value::Value(Number(10.0)),
                    ..Default::default()
                },
                "operation_timeout_seconds",
            ),
        ];
        for (config, attr) in cases {
            let errs = errors_for(config);
            assert_eq!(errs.len(), 1, "{attr}: {errs:?}");
            assert!(errs[0].1.contains(attr), "{attr}: {errs:?}");
        }
    }

    #[test]
    fn timeouts_reach_the_connect_options() {
        let config = ProviderConfig {
            http_timeout_seconds: Value::Value(Number(5.0)),
            operation_timeout_seconds: Value::Value(Number(20.0)),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        let options = from_config(&config, &mut diags).connect_options();
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        let policy = options.retry_policy();
        assert_eq!(policy.attempt_timeout, Duration::from_secs(5));
        assert_eq!(policy.deadline, Duration::from_secs(20));
        let defaults = from_config(&ProviderConfig::default(), &mut diags).connect_options();
        let policy = defaults.retry_policy();
        assert_eq!(policy.attempt_timeout, Duration::from_secs(60));
        assert_eq!(policy.deadline, Duration::from_secs(300));
    }

    #[test]
    fn the_attempt_timeout_follows_a_shorter_operation_timeout() {
        let config = ProviderConfig {
            operation_timeout_seconds: Value::Value(Number(8.0)),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        let policy = from_config(&config, &mut diags)
            .connect_options()
            .retry_policy();
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        assert_eq!(policy.attempt_timeout, Duration::from_secs(8));
        assert_eq!(policy.deadline, Duration::from_secs(8));
    }

    #[test]
    fn an_endpoint_password_is_never_shown() {
        let config = ProviderConfig {
            endpoints: Value::Value(EndpointsConfig {
                glue: s("http://admin:hunter2@127.0.0.1:4566"),
                ..Default::default()
            }),
            ..Default::default()
        };
        let mut diags = Diagnostics::default();
        let settings = from_config(&config, &mut diags);
        assert_eq!(diags.errors.len(), 1);
        let shown = format!("{:?} {:?}", diags.errors, settings.endpoints);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("http://***@127.0.0.1:4566"), "{shown}");
    }

    #[test]
    fn skip_region_validation_allows_new_regions_but_not_garbage() {
        let ok = ProviderConfig {
            region: s("xx-newplace-1"),
            skip_region_validation: Value::Value(true),
            ..Default::default()
        };
        assert!(errors_for(ok).is_empty());
        let bad = ProviderConfig {
            region: s("nope"),
            skip_region_validation: Value::Value(true),
            ..Default::default()
        };
        assert_eq!(errors_for(bad).len(), 1);
    }

    #[test]
    fn account_guard_names_both_sides() {
        let allowed: BTreeSet<String> = ["239083076653".to_string()].into();
        assert!(check_account(Some(&allowed), "239083076653").is_ok());
        assert!(check_account(None, "123456789012").is_ok());
        let msg = check_account(Some(&allowed), "123456789012").unwrap_err();
        assert!(
            msg.contains("123456789012") && msg.contains("239083076653"),
            "{msg}"
        );
    }
}
