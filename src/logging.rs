//! Provider logging in the format Terraform reads from a plugin's stderr.
//!
//! Terraform (through go-plugin) parses go-hclog JSON lines on the plugin's stderr and
//! shows them under `TF_LOG` / `TF_LOG_PROVIDER`. tf-provider only writes to
//! `PLUGIN_LOG_FILE`, so this module installs the subscriber itself.
//!
//! Only this crate's events are emitted below WARN: the AWS SDK's own DEBUG/TRACE output
//! includes request details we do not want in anyone's logs.

use std::io::Write;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// The level asked for by Terraform's environment, most specific variable first.
pub fn level_from_env() -> Option<Level> {
    ["TF_LOG_PROVIDER_FLYWHEEL", "TF_LOG_PROVIDER", "TF_LOG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .and_then(|v| parse_level(&v))
}

/// Terraform's level names; `JSON` is TRACE in JSON form, anything else unrecognised is off.
pub fn parse_level(value: &str) -> Option<Level> {
    match value.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        _ => None,
    }
}

/// Installs the hclog JSON layer on stderr. Returns false if a subscriber was already set.
pub fn init() -> bool {
    let level = level_from_env();
    let subscriber = tracing_subscriber::registry().with(HclogLayer { level });
    tracing::subscriber::set_global_default(subscriber).is_ok()
}

struct HclogLayer {
    level: Option<Level>,
}

impl HclogLayer {
    fn wants(&self, meta: &tracing::Metadata<'_>) -> bool {
        let Some(max) = self.level else { return false };
        // tonic's trace layer reports every RPC tf-provider does not implement (newer
        // protocol calls Terraform probes for) as an error; they are expected, not failures.
        if meta.target().starts_with("tower_http") {
            return false;
        }
        let ours = meta.target().starts_with(env!("CARGO_CRATE_NAME"));
        let floor = if ours { max } else { max.min(Level::WARN) };
        *meta.level() <= floor
    }
}

impl<S: Subscriber> Layer<S> for HclogLayer {
    fn enabled(&self, meta: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        self.wants(meta)
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if !self.wants(event.metadata()) {
            return;
        }
        let line = render(event);
        // A closed stderr must never take the provider down.
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

/// One go-hclog JSON line: `@level`, `@message`, `@timestamp`, then the fields. Terraform
/// adds the module name (`provider.terraform-provider-flywheel`) itself.
fn render(event: &Event<'_>) -> String {
    let meta = event.metadata();
    let mut visitor = JsonVisitor::default();
    event.record(&mut visitor);
    let mut obj = serde_json::Map::new();
    obj.insert("@level".into(), hclog_level(meta.level()).into());
    obj.insert(
        "@message".into(),
        visitor.message.unwrap_or_default().into(),
    );
    obj.insert("@timestamp".into(), timestamp().into());
    obj.insert("@caller".into(), meta.target().into());
    for (k, v) in visitor.fields {
        obj.insert(k, v);
    }
    serde_json::Value::Object(obj).to_string()
}

fn hclog_level(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        _ => "error",
    }
}

/// go-plugin parses `@timestamp` with the layout `2006-01-02T15:04:05.000000Z07:00` and
/// treats the whole line as plain text if that fails, so exactly six fractional digits.
fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    now.format(&format).unwrap_or_default()
}

#[derive(Default)]
struct JsonVisitor {
    message: Option<String>,
    fields: Vec<(String, serde_json::Value)>,
}

impl Visit for JsonVisitor {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, format!("{value:?}").into());
    }
}

impl JsonVisitor {
    fn put(&mut self, field: &Field, value: serde_json::Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.fields.push((field.name().to_string(), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_six_fractional_digits() {
        let ts = timestamp();
        let frac = ts.split('.').nth(1).unwrap_or("");
        assert_eq!(frac.len(), 7, "{ts}");
        assert!(frac.ends_with('Z'));
    }

    #[test]
    fn terraform_level_names() {
        assert_eq!(parse_level("debug"), Some(Level::DEBUG));
        assert_eq!(parse_level("JSON"), Some(Level::TRACE));
        assert_eq!(parse_level(" Warn "), Some(Level::WARN));
        assert_eq!(parse_level("off"), None);
        assert_eq!(parse_level(""), None);
    }

    #[test]
    fn other_crates_are_capped_at_warn() {
        let layer = HclogLayer {
            level: Some(Level::TRACE),
        };
        struct Cs;
        impl tracing::Callsite for Cs {
            fn set_interest(&self, _: tracing::subscriber::Interest) {}
            fn metadata(&self) -> &tracing::Metadata<'_> {
                unreachable!()
            }
        }
        static CS: Cs = Cs;
        let sdk = tracing::Metadata::new(
            "x",
            "aws_sigv4::http_request",
            Level::DEBUG,
            None,
            None,
            None,
            tracing::field::FieldSet::new(&[], tracing::callsite::Identifier(&CS)),
            tracing::metadata::Kind::EVENT,
        );
        let ours = tracing::Metadata::new(
            "x",
            concat!(env!("CARGO_CRATE_NAME"), "::aws"),
            Level::DEBUG,
            None,
            None,
            None,
            tracing::field::FieldSet::new(&[], tracing::callsite::Identifier(&CS)),
            tracing::metadata::Kind::EVENT,
        );
        assert!(!layer.wants(&sdk));
        assert!(layer.wants(&ours));
        let off = HclogLayer { level: None };
        assert!(!off.wants(&ours));
    }
}
