//! Runs a [`TestCase`]: its steps in order in one fresh working directory (so they share
//! state), then a destroy, a check that the state is empty, and `check_destroy` against the
//! emulator. The destroy runs even after a failed step, so tests leave nothing behind.

use std::any::Any;
use std::fmt::Write as _;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use anyhow::{anyhow, bail, Context, Result};
use regex::Regex;
use serde_json::Value;

use super::emulator::{emulator_fn, emulator_settings, Clients, Ctx, EmulatorFn};
use super::state::{diff_attributes, render_scalar, State};
use super::steps::{ImportStateVerify, Mode, Plan, Step};
use super::terraform::{without_override_warning, PlanOutcome, Run, Terraform, Workdir};

#[derive(Default)]
pub struct TestCase {
    /// Used for the temp directory and messages; defaults to the test's name.
    pub name: Option<String>,
    pub steps: Vec<Step>,
    /// After the destroy: ask the emulator that every object is gone.
    pub check_destroy: Option<EmulatorFn>,
    /// Extra environment for every Terraform run of this case.
    pub env: Vec<(String, String)>,
    /// Run `terraform init` (only for configs with modules or other providers; ours is
    /// loaded through dev_overrides, which needs no init).
    pub init: bool,
    /// A state file (JSON) to start from, as an older provider or another tool wrote it.
    pub initial_state: Option<String>,
    /// Another provider the initial state names (`hashicorp/aws`), stood in for by a copy
    /// of ours (see `Terraform::with_stand_in`).
    pub stand_in: Option<String>,
}

impl TestCase {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    pub fn check_destroy<F, Fut>(mut self, f: F) -> Self
    where
        F: Fn(Ctx) -> Fut + 'static,
        Fut: Future<Output = Result<()>> + 'static,
    {
        self.check_destroy = Some(emulator_fn(f));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn init(mut self) -> Self {
        self.init = true;
        self
    }

    /// Start from this state (the JSON of a `terraform.tfstate`) instead of an empty one:
    /// for state upgrades. The case's destroy then also covers what it holds.
    pub fn initial_state(mut self, json: impl Into<String>) -> Self {
        self.initial_state = Some(json.into());
        self
    }

    /// The initial state names `source`, another provider: see `Terraform::with_stand_in`.
    pub fn stand_in(mut self, source: &str) -> Self {
        self.stand_in = Some(source.to_string());
        self
    }

    /// Run the case; panics with every failure and the kept working directory.
    pub async fn run(self) {
        let name = self.name.clone().unwrap_or_else(test_name);
        let (root, errors) = self.run_in_tempdir(&name).await;
        if !errors.is_empty() {
            // Keep the directory: it holds every command's output and any TF_LOG file.
            let kept: PathBuf = root.keep();
            panic!(
                "acceptance test {name} failed; working files kept in {}\n\n{}",
                kept.display(),
                errors.join("\n\n")
            );
        }
    }

    /// Run the case and return its failures instead of panicking (the directory is removed):
    /// for tests of the harness itself.
    pub async fn try_run(self) -> std::result::Result<(), String> {
        let name = self.name.clone().unwrap_or_else(test_name);
        let (_root, errors) = self.run_in_tempdir(&name).await;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n\n"))
        }
    }

    async fn run_in_tempdir(&self, name: &str) -> (tempfile::TempDir, Vec<String>) {
        let root = tempfile::Builder::new()
            .prefix(&format!("flywheel-acc-{}-", sanitize(name)))
            .tempdir()
            .expect("creating a temp directory");
        let errors = self.execute(root.path()).await;
        (root, errors)
    }

    async fn execute(&self, root: &Path) -> Vec<String> {
        let mut runner = match Runner::new(root, self).await {
            Ok(r) => r,
            Err(e) => return vec![format!("setup: {e:#}")],
        };
        let mut errors = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let n = i + 1;
            if let Err(e) = runner.step(n, step).await {
                errors.push(format!(
                    "step {n}/{} ({}): {e:#}",
                    self.steps.len(),
                    step.describe()
                ));
                break;
            }
        }
        match runner.destroy().await {
            Err(e) => errors.push(format!("destroy: {e:#}")),
            // Also after a failed step: objects a failed apply created must not linger.
            Ok(()) => {
                if let Some(check) = &self.check_destroy {
                    if let Err(e) = guarded(check(runner.ctx())).await {
                        errors.push(format!("check_destroy: {e:#}"));
                    }
                }
            }
        }
        errors
    }
}

/// The Rust test harness names each test's thread after the test.
fn test_name() -> String {
    std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .map(|n| n.rsplit("::").next().unwrap_or(n).to_string())
        .unwrap_or_else(|| "case".to_string())
}

fn sanitize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Signs that the provider process died, or never started, rather than returned a diagnostic.
pub const CRASH_PATTERN: &str = r"(?i)panicked at|plugin crashed|plugin did not respond|failed to respond to the plugin|failed to instantiate provider|unrecognized remote plugin message";

/// Whether `run` failed the way the step said it would: a diagnostic (not a crash) whose
/// message, not merely the quoted source line, matches `re`.
pub fn expect_failure(run: &Run, re: &Regex) -> Result<()> {
    if run.success() {
        bail!(
            "expected an error matching /{re}/, but `{}` succeeded:\n{}",
            run.command_line(),
            run.describe()
        );
    }
    if run.code.is_none() {
        bail!(
            "expected an error matching /{re}/, but Terraform was killed:\n{}",
            run.describe()
        );
    }
    let output = run.output();
    let crash = Regex::new(CRASH_PATTERN).expect("valid pattern");
    if crash.is_match(&output) {
        bail!(
            "expected a diagnostic matching /{re}/, but the provider crashed or did not start:\n{}",
            run.describe()
        );
    }
    let messages = diagnostic_messages(&output);
    if re.is_match(&messages) || re.is_match(&unwrap_diagnostics(&messages)) {
        return Ok(());
    }
    bail!(
        "the error does not match /{re}/ (quoted source lines are not matched):\n{}",
        run.describe()
    )
}

/// Output without the source lines Terraform quotes under a diagnostic (`  3:   region = ..`),
/// so an expected-error pattern cannot match the test's own config.
pub fn diagnostic_messages(output: &str) -> String {
    let source_line = Regex::new(r"^[│ ]*\d+:\s").expect("valid pattern");
    output
        .lines()
        .filter(|l| !source_line.is_match(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Terraform draws diagnostics in a box (`│ ` prefixes) and wraps them; join them back.
pub fn unwrap_diagnostics(output: &str) -> String {
    output
        .lines()
        .map(|l| l.trim_start_matches(['│', '╷', '╵', ' ']).trim_end())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The state of a running case: one Terraform, one working directory, the latest state.
struct Runner {
    tf: Terraform,
    work: Workdir,
    aws: Clients,
    state: Arc<State>,
    init: bool,
    /// The configuration currently written to the working directory.
    written: Option<String>,
    /// The last configuration that planned or applied: what the destroy uses.
    last_good: Option<String>,
}

impl Runner {
    async fn new(root: &Path, case: &TestCase) -> Result<Runner> {
        let mut tf = Terraform::new(root)?.with_env(&case.env);
        if let Some(source) = &case.stand_in {
            tf = tf.with_stand_in(source)?;
        }
        let settings = emulator_settings();
        // Validate-only cases make no API calls and need no emulator.
        let offline = case.check_destroy.is_none()
            && case
                .steps
                .iter()
                .all(|s| matches!(s.mode, Mode::ValidateOnly));
        if !offline {
            settings.check_reachable()?;
        }
        let work = tf.workdir("work")?;
        if let Some(json) = &case.initial_state {
            std::fs::write(work.dir.join("terraform.tfstate"), json)
                .context("writing the initial state")?;
        }
        Ok(Runner {
            aws: Clients::new(&settings).await,
            tf,
            work,
            state: Arc::new(State::default()),
            init: case.init,
            written: None,
            last_good: None,
        })
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            aws: self.aws.clone(),
            state: self.state.clone(),
        }
    }

    async fn read_plan(&self, dir: &Workdir, run: &Run, planfile: &Path) -> Result<Plan> {
        Ok(Plan {
            text: without_override_warning(&run.stdout),
            json: dir.plan_json(planfile).await?,
        })
    }

    async fn write_config(&mut self, config: &str) -> Result<()> {
        if self.written.as_deref() == Some(config) {
            return Ok(());
        }
        self.work.write_config(config)?;
        if self.init {
            self.work
                .run_ok(&["init", "-no-color", "-input=false"])
                .await
                .context("terraform init")?;
        }
        self.written = Some(config.to_string());
        Ok(())
    }

    fn planfile(&self, n: usize, label: &str) -> PathBuf {
        self.tf
            .root()
            .join("logs")
            .join(format!("step{n}-{label}.tfplan"))
    }

    async fn step(&mut self, n: usize, step: &Step) -> Result<()> {
        for f in &step.pre_apply {
            guarded(f(self.ctx())).await.context("pre_apply")?;
        }
        let config = match (&step.config, &self.last_good) {
            (Some(c), _) => c.clone(),
            (None, Some(c)) => c.clone(),
            (None, None) => {
                bail!("an import step needs an earlier step that applied a configuration")
            }
        };
        match &step.mode {
            Mode::Import(import) => return self.import(n, import, &config).await,
            _ => self.write_config(&config).await?,
        }
        match &step.mode {
            Mode::ValidateOnly => {
                let run = self.work.run(&["validate", "-no-color"]).await?;
                match &step.expect_error {
                    Some(re) => expect_failure(&run, re),
                    None if run.success() => Ok(()),
                    None => bail!("{}", run.describe()),
                }
            }
            Mode::PlanOnly => self.plan_step(n, step, &config).await,
            Mode::Apply => self.apply_step(n, step, &config).await,
            Mode::Import(_) => unreachable!("handled above"),
        }
    }

    async fn plan_step(&mut self, n: usize, step: &Step, config: &str) -> Result<()> {
        let planfile = self.planfile(n, "plan");
        let (outcome, run) = self
            .work
            .plan(&[&format!("-out={}", planfile.display())])
            .await?;
        if let Some(re) = &step.expect_error {
            return expect_failure(&run, re);
        }
        match outcome {
            PlanOutcome::Failed => bail!("{}", run.describe()),
            PlanOutcome::Empty if step.expect_non_empty_plan => {
                bail!(
                    "expected a non-empty plan, but it was empty:\n{}",
                    without_override_warning(&run.stdout)
                )
            }
            PlanOutcome::Changes if !step.expect_non_empty_plan => {
                bail!(
                    "expected an empty plan, but it has changes:\n{}",
                    without_override_warning(&run.stdout)
                )
            }
            _ => {}
        }
        self.last_good = Some(config.to_string());
        self.plan_checks(step, &run, &planfile).await
    }

    async fn plan_checks(&self, step: &Step, run: &Run, planfile: &Path) -> Result<()> {
        if step.plan_checks.is_empty() {
            return Ok(());
        }
        let plan = self.read_plan(&self.work, run, planfile).await?;
        let failures: Vec<String> = step
            .plan_checks
            .iter()
            .filter_map(|c| guarded_sync(|| c(&plan)).err().map(|e| format!("{e:#}")))
            .collect();
        if !failures.is_empty() {
            bail!("plan checks failed:\n{}", failures.join("\n"));
        }
        Ok(())
    }

    async fn apply_step(&mut self, n: usize, step: &Step, config: &str) -> Result<()> {
        // Plan to a file, then apply exactly that plan, as terraform-plugin-testing does:
        // pre-apply plan checks see what will be applied.
        let planfile = self.planfile(n, "apply");
        let (outcome, run) = self
            .work
            .plan(&[&format!("-out={}", planfile.display())])
            .await?;
        if outcome == PlanOutcome::Failed {
            return match &step.expect_error {
                Some(re) => expect_failure(&run, re),
                None => Err(anyhow!("{}", run.describe())),
            };
        }
        self.plan_checks(step, &run, &planfile).await?;
        let plan_path = planfile.to_string_lossy();
        let run = self
            .work
            .run(&[
                "apply",
                "-no-color",
                "-input=false",
                "-auto-approve",
                &plan_path,
            ])
            .await?;
        if let Some(re) = &step.expect_error {
            let result = expect_failure(&run, re);
            // A failed apply may have recorded some objects; later steps and the destroy see them.
            if let Ok(state) = self.work.state().await {
                self.state = Arc::new(state);
            }
            return result;
        }
        if !run.success() {
            bail!("{}", run.describe());
        }
        self.last_good = Some(config.to_string());
        let mut state = self.work.state().await?;
        if !step.state_checks.is_empty() {
            state.schemas = Some(super::schema::provider_schemas(&self.work, &state).await?);
        }
        self.state = Arc::new(state);

        let failures: Vec<String> = step
            .state_checks
            .iter()
            .filter_map(|c| {
                guarded_sync(|| c(&self.state))
                    .err()
                    .map(|e| format!("  {e:#}"))
            })
            .collect();
        if !failures.is_empty() {
            bail!("state checks failed:\n{}", failures.join("\n"));
        }
        for check in &step.emulator_checks {
            guarded(check(self.ctx())).await.context("emulator check")?;
        }

        // Plans are honest and reads are true: nothing left to do, with or without refresh.
        for (label, extra) in [
            ("with -refresh=false", &["-refresh=false"][..]),
            ("with refresh", &[][..]),
        ] {
            let (outcome, run) = self.work.plan(extra).await?;
            match outcome {
                PlanOutcome::Failed => {
                    bail!("plan after apply ({label}) failed:\n{}", run.describe())
                }
                PlanOutcome::Changes if !step.expect_non_empty_plan => bail!(
                    "after applying this step, the plan ({label}) was not empty:\n{}",
                    without_override_warning(&run.stdout)
                ),
                PlanOutcome::Empty if step.expect_non_empty_plan && extra.is_empty() => {
                    bail!("expected a non-empty plan after apply ({label}), but it was empty")
                }
                _ => {}
            }
        }
        Ok(())
    }

    async fn import(&mut self, n: usize, import: &ImportStateVerify, config: &str) -> Result<()> {
        let address = &import.resource_address;
        let applied = self.state.values(address)?.clone();
        let id = match &import.import_id {
            Some(id) => id.clone(),
            None => applied.get("id").and_then(render_scalar).ok_or_else(|| {
                anyhow!("{address} has no `id` attribute; give the step an import_id")
            })?,
        };
        // A separate directory and state: the import must stand on its own.
        let dir = self.tf.workdir(&format!("import-step{n}"))?;
        let imported = if import.use_import_block {
            let version = self.tf.version()?;
            if version < (1, 5, 0) {
                eprintln!(
                    "import block check skipped: Terraform {version:?} predates import blocks"
                );
                return Ok(());
            }
            let id_literal = serde_json::to_string(&id)?;
            dir.write_config(&format!(
                "{config}\n\nimport {{\n  to = {address}\n  id = {id_literal}\n}}\n"
            ))?;
            if self.init {
                dir.run_ok(&["init", "-no-color", "-input=false"]).await?;
            }
            let planfile = self.planfile(n, "import");
            let (outcome, run) = dir.plan(&[&format!("-out={}", planfile.display())]).await?;
            if outcome == PlanOutcome::Failed {
                bail!("{}", run.describe());
            }
            let plan = self.read_plan(&dir, &run, &planfile).await?;
            let change = plan.resource_change(address).ok_or_else(|| {
                anyhow!(
                    "{address} is not in the import plan:\n{}",
                    without_override_warning(&run.stdout)
                )
            })?;
            if change.pointer("/change/importing").is_none() {
                bail!(
                    "{address} is in the plan but not being imported:\n{}",
                    without_override_warning(&run.stdout)
                );
            }
            let before = change
                .pointer("/change/before")
                .cloned()
                .unwrap_or(Value::Null);
            let after = change
                .pointer("/change/after")
                .cloned()
                .unwrap_or(Value::Null);
            let actions = plan.actions(address).unwrap_or_default();
            // Anything but a no-op means the import reads back differently from the config,
            // unless every difference is in an ignored attribute.
            if actions != ["no-op"] {
                let diffs =
                    diff_attributes(("imported", &before), ("planned", &after), &import.ignore);
                if actions != ["update"] || !diffs.is_empty() {
                    bail!(
                        "importing {address} should plan a no-op, but plans {actions:?}:\n{}\n{}",
                        diffs.join("\n"),
                        without_override_warning(&run.stdout)
                    );
                }
            }
            before
        } else {
            dir.write_config(config)?;
            if self.init {
                dir.run_ok(&["init", "-no-color", "-input=false"]).await?;
            }
            dir.run_ok(&["import", "-no-color", "-input=false", address, &id])
                .await?;
            dir.state().await?.values(address)?.clone()
        };
        let diffs = diff_attributes(
            ("applied", &applied),
            ("imported", &imported),
            &import.ignore,
        );
        if !diffs.is_empty() {
            let mut msg =
                format!("{address} imported with id {id:?} differs from the applied state:\n");
            for d in &diffs {
                let _ = writeln!(msg, "{d}");
            }
            bail!(msg);
        }
        Ok(())
    }

    /// Destroy whatever the state holds, with the last configuration that worked (a step
    /// that expected an error may have left a broken one in place).
    async fn destroy(&mut self) -> Result<()> {
        if !state_has_resources(&self.work.dir.join("terraform.tfstate"))? {
            return Ok(());
        }
        if let Some(config) = self.last_good.clone().or_else(|| self.written.clone()) {
            self.write_config(&config).await?;
        }
        let state = self.work.state().await?;
        self.state = Arc::new(state);
        self.work
            .run_ok(&["destroy", "-no-color", "-input=false", "-auto-approve"])
            .await?;
        let left = self.work.state().await?.managed_addresses();
        if !left.is_empty() {
            bail!("resources still in the state after destroy: {left:?}");
        }
        Ok(())
    }
}

/// A test callback's future with a panic (say, an `unwrap` in a check) turned into an error,
/// so the case still destroys what it created.
async fn guarded<T>(fut: impl Future<Output = Result<T>>) -> Result<T> {
    CatchUnwind(Box::pin(fut)).await
}

fn guarded_sync<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(anyhow!("panicked: {}", panic_message(&*p))))
}

struct CatchUnwind<F>(Pin<Box<F>>);

impl<T, F: Future<Output = Result<T>>> Future for CatchUnwind<F> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Result<T>> {
        let inner = &mut self.get_mut().0;
        std::panic::catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx)))
            .unwrap_or_else(|p| Poll::Ready(Err(anyhow!("panicked: {}", panic_message(&*p)))))
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-string panic payload)".to_string())
}

/// A local state file with at least one resource (or data source) in it.
fn state_has_resources(path: &Path) -> Result<bool> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(false);
    };
    let state: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    Ok(state
        .get("resources")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn failed_run(stderr: &str, code: Option<i32>) -> Run {
        Run {
            args: vec!["plan".into()],
            dir: PathBuf::from("/tmp/x"),
            code,
            signal: None,
            timed_out: false,
            stdout: String::new(),
            stderr: stderr.into(),
            stdout_path: PathBuf::from("/tmp/x.stdout"),
            stderr_path: PathBuf::from("/tmp/x.stderr"),
            log_path: None,
            elapsed: Duration::from_secs(1),
        }
    }

    #[test]
    fn expected_errors() {
        let boxed = "╷\n│ Error: Invalid endpoint\n│ \n│   with provider[\"omc/flywheel\"],\n│   on main.tf line 1, in provider \"flywheel\":\n│ endpoints.sts is not a\n│ URL\n╵\n";
        let re = Regex::new("endpoints.sts is not a URL").unwrap();
        assert!(
            expect_failure(&failed_run(boxed, Some(1)), &re).is_ok(),
            "wrapped lines are joined"
        );
        assert!(
            expect_failure(&failed_run(boxed, Some(1)), &Regex::new("region").unwrap()).is_err()
        );
        assert!(
            expect_failure(&failed_run(boxed, Some(0)), &re).is_err(),
            "success is not the error"
        );
        assert!(
            expect_failure(&failed_run(boxed, None), &re).is_err(),
            "killed is not the error"
        );
    }

    #[test]
    fn expected_errors_ignore_quoted_source_and_crashes() {
        let quoted = "│ Error: connection refused\n│ \n│   on main.tf line 3, in provider \"flywheel\":\n│    3:   region = \"mars-north-1\"\n";
        let re = Regex::new("mars-north-1").unwrap();
        assert!(
            expect_failure(&failed_run(quoted, Some(1)), &re).is_err(),
            "the config line is not the message"
        );
        let named =
            "│ Error: unknown region \"mars-north-1\"\n│    3:   region = \"mars-north-1\"\n";
        assert!(expect_failure(&failed_run(named, Some(1)), &re).is_ok());
        let no_start = "Error: failed to instantiate provider \"omc/flywheel\" to obtain schema: Unrecognized remote plugin message: mars-north-1";
        assert!(
            expect_failure(&failed_run(no_start, Some(1)), &re).is_err(),
            "a provider that never started"
        );
        let crash = "Error: Plugin did not respond\nthread 'tokio-runtime-worker' panicked at src/x.rs:1:1: mars-north-1";
        let err = expect_failure(&failed_run(crash, Some(1)), &re)
            .unwrap_err()
            .to_string();
        assert!(err.contains("crashed"), "{err}");
    }

    #[test]
    fn state_file_emptiness() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("terraform.tfstate");
        assert!(!state_has_resources(&p).unwrap());
        std::fs::write(&p, r#"{"version":4,"resources":[]}"#).unwrap();
        assert!(!state_has_resources(&p).unwrap());
        std::fs::write(&p, r#"{"version":4,"resources":[{"mode":"managed"}]}"#).unwrap();
        assert!(state_has_resources(&p).unwrap());
    }

    #[tokio::test]
    async fn panicking_callbacks_become_errors() {
        let err = guarded(async { panic!("boom in a check") as Result<()> })
            .await
            .unwrap_err();
        assert!(err.to_string().contains("boom in a check"), "{err}");
        assert_eq!(guarded(async { Ok(7) }).await.unwrap(), 7);
        let err = guarded_sync(|| -> Result<()> { panic!("no value") }).unwrap_err();
        assert!(err.to_string().contains("no value"), "{err}");
    }

    #[test]
    fn names_for_directories() {
        assert_eq!(sanitize("caller_identity::x y"), "caller_identity__x_y");
    }
}
