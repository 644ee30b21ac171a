//! What a test step says: its configuration, how far to take it (validate, plan, apply, or
//! import), and what must hold afterwards. `case.rs` carries the steps out.

use std::future::Future;

use anyhow::{anyhow, bail, Result};
use regex::Regex;
use serde_json::Value;

use super::checks::StateCheck;
use super::emulator::{emulator_fn, Ctx, EmulatorFn};

/// How far a step takes its configuration.
pub enum Mode {
    /// plan, apply the saved plan, check, then require empty plans without and with refresh.
    Apply,
    /// plan only; it must be empty unless `expect_non_empty_plan` (drift detection).
    PlanOnly,
    /// `terraform validate` only: offline checks, no API call.
    ValidateOnly,
    /// Import into a separate working directory and compare with the applied state.
    Import(ImportStateVerify),
}

/// Import the resource the previous steps applied and check it reads back the same.
#[derive(Debug, Clone)]
pub struct ImportStateVerify {
    pub resource_address: String,
    /// `None`: the resource's `id` attribute in the applied state.
    pub import_id: Option<String>,
    /// Attributes the provider cannot read back (write-only, local-only); prefixes cover
    /// nested keys, so `tags` also ignores `tags.Name`.
    pub ignore: Vec<String>,
    /// Use an `import {}` block and `terraform plan` (Terraform >= 1.5) instead of
    /// `terraform import`; the import must then plan as a no-op.
    pub use_import_block: bool,
}

impl ImportStateVerify {
    pub fn new(resource_address: &str) -> Self {
        ImportStateVerify {
            resource_address: resource_address.to_string(),
            import_id: None,
            ignore: Vec::new(),
            use_import_block: false,
        }
    }

    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.import_id = Some(id.into());
        self
    }

    pub fn ignore<I, S>(mut self, attrs: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ignore.extend(attrs.into_iter().map(Into::into));
        self
    }

    pub fn import_block(mut self) -> Self {
        self.use_import_block = true;
        self
    }
}

/// A saved plan: its human text and `terraform show -json` of it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub text: String,
    pub json: Value,
}

impl Plan {
    pub fn resource_change(&self, address: &str) -> Option<&Value> {
        self.json
            .get("resource_changes")?
            .as_array()?
            .iter()
            .find(|rc| rc.get("address").and_then(Value::as_str) == Some(address))
    }

    /// Planned actions for `address` (`["no-op"]`, `["update"]`, `["delete","create"]`, ...).
    pub fn actions(&self, address: &str) -> Option<Vec<String>> {
        let actions = self
            .resource_change(address)?
            .pointer("/change/actions")?
            .as_array()?;
        Some(
            actions
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
        )
    }

    /// Addresses with any action other than no-op/read.
    pub fn changed_addresses(&self) -> Vec<String> {
        let Some(rcs) = self.json.get("resource_changes").and_then(Value::as_array) else {
            return Vec::new();
        };
        rcs.iter()
            .filter(|rc| {
                rc.pointer("/change/actions")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|x| x != "no-op" && x != "read"))
            })
            .filter_map(|rc| {
                rc.get("address")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect()
    }
}

/// An assertion over a step's plan (before apply for apply steps).
pub type PlanCheck = Box<dyn Fn(&Plan) -> Result<()>>;

pub struct Step {
    /// `None` only for import steps, which reuse the previous step's configuration.
    pub config: Option<String>,
    pub mode: Mode,
    /// The step must fail (at validate, plan or apply) with output matching this.
    pub expect_error: Option<Regex>,
    /// The plan after this step may (and with refresh must) show changes.
    pub expect_non_empty_plan: bool,
    pub state_checks: Vec<StateCheck>,
    pub emulator_checks: Vec<EmulatorFn>,
    /// Out-of-band changes made through the SDK before the step runs (drift tests).
    pub pre_apply: Vec<EmulatorFn>,
    pub plan_checks: Vec<PlanCheck>,
}

impl Step {
    /// Apply `hcl`, run the checks, then require an empty plan (the default step).
    pub fn config(hcl: impl Into<String>) -> Step {
        Step {
            config: Some(hcl.into()),
            mode: Mode::Apply,
            expect_error: None,
            expect_non_empty_plan: false,
            state_checks: Vec::new(),
            emulator_checks: Vec::new(),
            pre_apply: Vec::new(),
            plan_checks: Vec::new(),
        }
    }

    /// Import and verify against the previous step's configuration and state.
    pub fn import_state_verify(import: ImportStateVerify) -> Step {
        Step {
            config: None,
            mode: Mode::Import(import),
            ..Step::config("")
        }
    }

    pub fn plan_only(mut self) -> Self {
        self.mode = Mode::PlanOnly;
        self
    }

    pub fn validate_only(mut self) -> Self {
        self.mode = Mode::ValidateOnly;
        self
    }

    /// Panics on an invalid pattern: that is a bug in the test, not in the provider.
    pub fn expect_error(mut self, pattern: &str) -> Self {
        self.expect_error =
            Some(Regex::new(pattern).unwrap_or_else(|e| panic!("bad regex {pattern:?}: {e}")));
        self
    }

    pub fn expect_non_empty_plan(mut self) -> Self {
        self.expect_non_empty_plan = true;
        self
    }

    pub fn check(mut self, check: StateCheck) -> Self {
        self.state_checks.push(check);
        self
    }

    pub fn checks(mut self, checks: impl IntoIterator<Item = StateCheck>) -> Self {
        self.state_checks.extend(checks);
        self
    }

    /// Ask the emulator directly after the apply: `.emulator_check(|ctx| async move { ... })`.
    pub fn emulator_check<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx) -> Fut + 'static,
        Fut: Future<Output = Result<()>> + 'static,
    {
        self.emulator_checks.push(emulator_fn(f));
        self
    }

    /// Change things behind Terraform's back before this step runs.
    pub fn pre_apply<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx) -> Fut + 'static,
        Fut: Future<Output = Result<()>> + 'static,
    {
        self.pre_apply.push(emulator_fn(f));
        self
    }

    pub fn plan_check(mut self, f: impl Fn(&Plan) -> Result<()> + 'static) -> Self {
        self.plan_checks.push(Box::new(f));
        self
    }

    /// The plan's text matches `pattern` (e.g. drift names the child that drifted).
    pub fn expect_plan_text(self, pattern: &str) -> Self {
        let re = Regex::new(pattern).unwrap_or_else(|e| panic!("bad regex {pattern:?}: {e}"));
        self.plan_check(move |p| {
            if re.is_match(&p.text) {
                Ok(())
            } else {
                bail!("plan does not match /{re}/:\n{}", p.text)
            }
        })
    }

    /// `address` plans exactly `actions`, e.g. `["update"]` to prove an in-place update.
    pub fn expect_resource_action(self, address: &str, actions: &[&str]) -> Self {
        let address = address.to_string();
        let want: Vec<String> = actions.iter().map(|s| s.to_string()).collect();
        self.plan_check(move |p| {
            let got = p
                .actions(&address)
                .ok_or_else(|| anyhow!("{address} is not in the plan:\n{}", p.text))?;
            if got != want {
                bail!("{address} plans {got:?}, expected {want:?}:\n{}", p.text);
            }
            Ok(())
        })
    }

    pub fn describe(&self) -> &'static str {
        match (&self.mode, self.expect_error.is_some()) {
            (Mode::Apply, false) => "apply",
            (Mode::Apply, true) => "apply (expecting an error)",
            (Mode::PlanOnly, false) => "plan",
            (Mode::PlanOnly, true) => "plan (expecting an error)",
            (Mode::ValidateOnly, false) => "validate",
            (Mode::ValidateOnly, true) => "validate (expecting an error)",
            (Mode::Import(i), _) if i.use_import_block => "import block + plan",
            (Mode::Import(_), _) => "terraform import",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plan() -> Plan {
        Plan {
            text: "  # flywheel_job.x will be updated in-place".into(),
            json: json!({"resource_changes": [
                {"address": "flywheel_job.x", "change": {"actions": ["update"]}},
                {"address": "flywheel_pipeline.p", "change": {"actions": ["no-op"]}},
                {"address": "data.flywheel_caller_identity.c", "change": {"actions": ["read"]}},
                {"address": "flywheel_crawler.c", "change": {"actions": ["delete", "create"]}}
            ]}),
        }
    }

    #[test]
    fn plan_actions() {
        let p = plan();
        assert_eq!(
            p.actions("flywheel_job.x"),
            Some(vec!["update".to_string()])
        );
        assert_eq!(p.actions("nope.x"), None);
        assert_eq!(
            p.changed_addresses(),
            vec!["flywheel_job.x", "flywheel_crawler.c"]
        );
    }

    #[test]
    fn plan_check_builders() {
        let p = plan();
        let run = |s: Step| {
            s.plan_checks
                .iter()
                .map(|c| c(&p))
                .collect::<Result<Vec<_>>>()
        };
        assert!(
            run(Step::config("").expect_resource_action("flywheel_job.x", &["update"])).is_ok()
        );
        assert!(
            run(Step::config("").expect_resource_action("flywheel_crawler.c", &["update"]))
                .is_err()
        );
        assert!(
            run(Step::config("").expect_resource_action("flywheel_job.y", &["update"])).is_err()
        );
        assert!(run(Step::config("").expect_plan_text(r"flywheel_job\.x will be updated")).is_ok());
        assert!(run(Step::config("").expect_plan_text("destroyed")).is_err());
    }

    #[test]
    fn builders() {
        let s = Step::config("x")
            .plan_only()
            .expect_error("boom")
            .expect_non_empty_plan();
        assert!(matches!(s.mode, Mode::PlanOnly));
        assert!(s.expect_error.unwrap().is_match("a boom"));
        let i = ImportStateVerify::new("flywheel_job.x")
            .id("j")
            .ignore(["script_path"])
            .import_block();
        assert_eq!(i.import_id.as_deref(), Some("j"));
        assert_eq!(i.ignore, vec!["script_path"]);
        let s = Step::import_state_verify(i);
        assert!(s.config.is_none());
        assert_eq!(s.describe(), "import block + plan");
    }
}
