//! Runs the Terraform CLI the way every acceptance test needs it: the binary from `make tools`,
//! a CLI config whose `dev_overrides` point at the freshly built provider, the emulator's AWS
//! environment, automation flags, and output captured to files so a failure can show it.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};

use super::emulator::emulator_settings;
use super::state::State;

/// Source address the provider is overridden under; configs without their own
/// `required_providers` get it added (as terraform-plugin-testing does), because a bare
/// `provider "flywheel" {}` would otherwise mean `hashicorp/flywheel`.
pub const PROVIDER_SOURCE: &str = "omc/flywheel";

/// File the harness writes next to a config that lacks `required_providers`.
const PROVIDERS_FILE: &str = "zz_harness_providers.tf";

/// Variables that would make a run depend on the caller's shell rather than the test.
const SCRUBBED_ENV: &[&str] = &[
    "TF_CLI_CONFIG_FILE",
    "TF_CLI_ARGS",
    "TF_WORKSPACE",
    "TF_DATA_DIR",
    "TF_REATTACH_PROVIDERS",
    "TF_LOG_PATH",
    "TF_PLUGIN_CACHE_DIR",
];

/// Where the Terraform CLI is: `TF_ACC_TERRAFORM_PATH`, else the wrapper `make tools` installs.
pub fn terraform_path() -> PathBuf {
    match std::env::var_os("TF_ACC_TERRAFORM_PATH") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin/terraform"),
    }
}

/// Directory holding the provider binary cargo built for this test run.
pub fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-flywheel"))
        .parent()
        .expect("provider binary has a parent directory")
        .to_path_buf()
}

/// CLI config that loads our provider from `dir` and everything else as usual.
pub fn cli_config(dir: &Path) -> String {
    cli_config_with(dir, &[])
}

/// [`cli_config`] with more development overrides: (provider source, directory).
pub fn cli_config_with(dir: &Path, more: &[(String, PathBuf)]) -> String {
    // A JSON string literal is a valid HCL string literal for any path.
    let q = |p: &Path| serde_json::to_string(&p.to_string_lossy()).expect("string serialises");
    let mut overrides = format!("    \"{PROVIDER_SOURCE}\" = {}\n", q(dir));
    for (source, d) in more {
        overrides.push_str(&format!("    \"{source}\" = {}\n", q(d)));
    }
    format!("provider_installation {{\n  dev_overrides {{\n{overrides}  }}\n  direct {{}}\n}}\n")
}

/// How a `terraform plan -detailed-exitcode` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanOutcome {
    Empty,
    Changes,
    Failed,
}

impl PlanOutcome {
    /// 0 = no changes, 2 = changes, anything else (1, or killed) = error.
    pub fn from_exit_code(code: Option<i32>) -> Self {
        match code {
            Some(0) => PlanOutcome::Empty,
            Some(2) => PlanOutcome::Changes,
            _ => PlanOutcome::Failed,
        }
    }
}

/// `major.minor.patch` from `terraform version -json` (or the plain `Terraform vX.Y.Z` text).
pub fn parse_version(output: &str) -> Result<(u64, u64, u64)> {
    let text = match serde_json::from_str::<serde_json::Value>(output) {
        Ok(v) => v
            .get("terraform_version")
            .and_then(|v| v.as_str())
            .ok_or_else(|| anyhow!("no terraform_version in {output:?}"))?
            .to_string(),
        Err(_) => output
            .split_whitespace()
            .find_map(|w| w.strip_prefix('v'))
            .ok_or_else(|| anyhow!("no version in {output:?}"))?
            .to_string(),
    };
    // Drop pre-release/build suffixes such as `1.6.0-beta1`.
    let core = text.split(['-', '+']).next().unwrap_or_default();
    let mut parts = core.split('.').map(|p| p.parse::<u64>());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(Ok(a)), Some(Ok(b)), Some(Ok(c))) => Ok((a, b, c)),
        _ => bail!("unparseable Terraform version {text:?}"),
    }
}

/// Configs name their own providers when they need more than ours.
pub fn needs_provider_block(config: &str) -> bool {
    !config.contains("required_providers")
}

/// One finished Terraform invocation, with everything needed to explain a failure.
#[derive(Debug, Clone)]
pub struct Run {
    pub args: Vec<String>,
    pub dir: PathBuf,
    /// `None` when the process was killed (timeout or signal).
    pub code: Option<i32>,
    /// The signal that ended the process, if one did.
    pub signal: Option<i32>,
    pub timed_out: bool,
    pub stdout: String,
    pub stderr: String,
    pub stdout_path: PathBuf,
    pub stderr_path: PathBuf,
    /// Set when `TF_LOG` was in effect: Terraform's (and the provider's) debug log.
    pub log_path: Option<PathBuf>,
    pub elapsed: Duration,
}

impl Run {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// stdout then stderr: Terraform splits diagnostics between them by version and command.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    pub fn log(&self) -> Option<String> {
        self.log_path
            .as_ref()
            .and_then(|p| fs::read_to_string(p).ok())
    }

    pub fn command_line(&self) -> String {
        format!("terraform {}", self.args.join(" "))
    }

    /// Human-readable account of the run for a failure message.
    pub fn describe(&self) -> String {
        let status = match (self.code, self.timed_out) {
            (_, true) => format!("killed after timeout ({:.0?})", self.elapsed),
            (Some(c), _) => format!("exit code {c}"),
            (None, _) => match self.signal {
                Some(sig) => format!("killed by signal {sig}"),
                None => "killed by a signal".to_string(),
            },
        };
        let mut s = format!(
            "`{}` in {} -> {status}\n--- stdout ({}) ---\n{}\n--- stderr ({}) ---\n{}",
            self.command_line(),
            self.dir.display(),
            self.stdout_path.display(),
            tail(&without_override_warning(&self.stdout)),
            self.stderr_path.display(),
            tail(&without_override_warning(&self.stderr)),
        );
        if let Some(log) = &self.log_path {
            s.push_str(&format!("\n--- TF_LOG written to {} ---", log.display()));
        }
        s
    }
}

/// Drop the dev_overrides warning Terraform prints on every command: it is always there
/// and only pushes the interesting part of a failure out of view.
pub fn without_override_warning(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines
        .iter()
        .position(|l| l.contains("Warning: Provider development overrides are in effect"))
    else {
        return text.to_string();
    };
    let Some(len) = lines[start..]
        .iter()
        .take(15)
        .position(|l| l.trim_end().ends_with("releases."))
    else {
        return text.to_string();
    };
    let mut end = start + len + 1;
    // The closing box line and blank lines after the warning.
    while end < lines.len() && lines[end].trim_matches(['╵', ' ']).is_empty() {
        end += 1;
    }
    // The opening box line, if any.
    let start = if start > 0 && lines[start - 1].trim() == "╷" {
        start - 1
    } else {
        start
    };
    let mut kept: Vec<&str> = lines[..start].to_vec();
    kept.extend_from_slice(&lines[end..]);
    kept.join("\n")
}

/// Keep failure messages readable; the full text stays in the captured file.
fn tail(text: &str) -> String {
    const MAX: usize = 20_000;
    if text.len() <= MAX {
        return text.to_string();
    }
    let mut cut = text.len() - MAX;
    while !text.is_char_boundary(cut) {
        cut += 1;
    }
    format!("[... {cut} bytes cut, see file ...]\n{}", &text[cut..])
}

/// A Terraform CLI bound to one test case's root directory (CLI config + captured output).
/// Cheap to clone; clones share the run counter so output files never collide.
#[derive(Clone)]
pub struct Terraform {
    bin: PathBuf,
    root: PathBuf,
    env: Vec<(String, String)>,
    /// A test case's own variables: over the defaults and `TF_LOG`, under a run's own.
    case_env: Vec<(String, String)>,
    counter: Arc<AtomicUsize>,
    timeout: Duration,
}

impl Terraform {
    /// Prepare `root` (which must exist) for running Terraform: CLI config and a log folder.
    pub fn new(root: &Path) -> Result<Self> {
        let bin = terraform_path();
        if !bin.is_file() {
            bail!(
                "Terraform CLI not found at {}: run `make tools` to install it \
                 (or set TF_ACC_TERRAFORM_PATH to a terraform binary)",
                bin.display()
            );
        }
        let cli_config_path = root.join("terraform.rc");
        fs::write(&cli_config_path, cli_config(&provider_dir()))
            .with_context(|| format!("writing {}", cli_config_path.display()))?;
        fs::create_dir_all(root.join("logs"))?;

        let mut env: Vec<(String, String)> = vec![
            (
                "TF_CLI_CONFIG_FILE".into(),
                cli_config_path.to_string_lossy().into(),
            ),
            ("TF_IN_AUTOMATION".into(), "1".into()),
            ("CHECKPOINT_DISABLE".into(), "1".into()),
            ("TF_INPUT".into(), "0".into()),
            // No instance metadata exists here; probing for it only slows credential lookup.
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ];
        env.extend(emulator_settings().env());
        let timeout = command_timeout(std::env::var("TF_ACC_COMMAND_TIMEOUT").ok().as_deref())?;
        Ok(Terraform {
            bin,
            root: root.to_path_buf(),
            env,
            case_env: Vec::new(),
            counter: Arc::new(AtomicUsize::new(0)),
            timeout,
        })
    }

    /// Let `terraform plan` start with a state that names `source` (another provider), which
    /// no registry can install here: a copy of our binary stands in for it under that name.
    /// Terraform asks it for its schema and nothing else: a cross-type `moved` is answered by
    /// the target provider alone (MoveResourceState), and the moved resource is ours.
    pub fn with_stand_in(self, source: &str) -> Result<Self> {
        let kind = source.rsplit('/').next().unwrap_or(source);
        let dir = self.root.join("stand-in").join(kind);
        fs::create_dir_all(&dir)?;
        let bin = Path::new(env!("CARGO_BIN_EXE_terraform-provider-flywheel"));
        fs::copy(bin, dir.join(format!("terraform-provider-{kind}")))
            .context("copying the provider as a stand-in")?;
        let cli_config_path = self.root.join("terraform.rc");
        fs::write(
            &cli_config_path,
            cli_config_with(&provider_dir(), &[(source.to_string(), dir)]),
        )?;
        Ok(self)
    }

    /// Bound every command of this CLI by `timeout` instead of `TF_ACC_COMMAND_TIMEOUT`.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Add variables for every run of this CLI (a test case's `env`).
    pub fn with_env(mut self, env: &[(String, String)]) -> Self {
        self.case_env.extend_from_slice(env);
        self
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn bin(&self) -> &Path {
        &self.bin
    }

    /// `terraform version`, asked once per test binary (it cannot change during a run).
    pub fn version(&self) -> Result<(u64, u64, u64)> {
        static VERSION: OnceLock<std::result::Result<(u64, u64, u64), String>> = OnceLock::new();
        VERSION
            .get_or_init(|| {
                let run = self
                    .run_blocking(&self.root, &["version", "-json"], &[])
                    .map_err(|e| format!("{e:#}"))?;
                if !run.success() {
                    return Err(run.describe());
                }
                parse_version(&run.stdout).map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(|e| anyhow!(e))
    }

    /// Run `terraform <args>` in `dir` and wait for it. `extra_env` wins over the defaults.
    /// A non-zero exit is not an error here; callers decide what they expected. A command
    /// still running after the timeout is killed with its process group (Terraform and its
    /// provider plugins) and is an error, a [`TimedOut`], whatever the caller expected: a
    /// hung command must fail its test, never hang the suite.
    pub fn run_blocking(
        &self,
        dir: &Path,
        args: &[&str],
        extra_env: &[(&str, &str)],
    ) -> Result<Run> {
        let mut spawned = self.spawn(dir, args, extra_env)?;
        loop {
            if spawned.child.try_wait()?.is_some() {
                return spawned.finish(false);
            }
            if spawned.started.elapsed() > self.timeout {
                let pgid = spawned.pgid();
                spawned.kill_group();
                let run = spawned.finish(true)?;
                return Err(TimedOut {
                    run,
                    timeout: self.timeout,
                    pgid,
                }
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Start `terraform <args>` in `dir` without waiting for it, in a process group of its
    /// own (its provider plugins join it), with output captured as [`Terraform::run_blocking`]
    /// does. The caller waits, or kills the group, through the returned [`Spawned`].
    pub fn spawn(&self, dir: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Result<Spawned> {
        let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let label = args.first().copied().unwrap_or("terraform");
        let stem = self.root.join("logs").join(format!("{n:03}-{label}"));
        let stdout_path = stem.with_extension("stdout");
        let stderr_path = stem.with_extension("stderr");

        let mut env: BTreeMap<String, String> = self.env.iter().cloned().collect();
        if let Ok(level) = std::env::var("TF_LOG") {
            env.insert("TF_LOG".into(), level);
        }
        env.extend(self.case_env.iter().cloned());
        for (k, v) in extra_env {
            env.insert((*k).into(), (*v).into());
        }
        // Keep the debug log per invocation in the case directory rather than on stderr.
        let log_path = env
            .get("TF_LOG")
            .filter(|v| !v.is_empty())
            .map(|_| stem.with_extension("tf.log"));
        if let Some(p) = &log_path {
            env.insert("TF_LOG_PATH".into(), p.to_string_lossy().into());
        }

        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(File::create(&stdout_path)?)
            .stderr(File::create(&stderr_path)?)
            // Own process group, so a kill reaches Terraform and its provider plugins together.
            .process_group(0);
        for (k, _) in std::env::vars_os() {
            let k = k.to_string_lossy();
            if SCRUBBED_ENV.contains(&k.as_ref()) || k.starts_with("TF_CLI_ARGS") {
                cmd.env_remove(k.as_ref());
            }
        }
        if !env.contains_key("TF_LOG") {
            cmd.env_remove("TF_LOG");
        }
        cmd.envs(&env);

        let started = Instant::now();
        let child = cmd
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        Ok(Spawned {
            child,
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: dir.to_path_buf(),
            stdout_path,
            stderr_path,
            log_path,
            started,
        })
    }

    /// Async wrapper: Terraform runs on the blocking pool so SDK clients stay responsive.
    pub async fn run(&self, dir: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Result<Run> {
        let this = self.clone();
        let dir = dir.to_path_buf();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let env: Vec<(String, String)> = extra_env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let env: Vec<(&str, &str)> =
                env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            this.run_blocking(&dir, &args, &env)
        })
        .await
        .context("terraform runner task panicked")?
    }

    /// A new working directory `root/<name>` for this CLI.
    pub fn workdir(&self, name: &str) -> Result<Workdir> {
        let dir = self.root.join(name);
        fs::create_dir_all(&dir)?;
        Ok(Workdir {
            dir,
            tf: self.clone(),
        })
    }
}

/// Default bound of one Terraform command: the slowest command of the suite (an apply of
/// the production example under injected faults) takes well under a minute.
pub const DEFAULT_COMMAND_TIMEOUT: Duration = Duration::from_secs(300);

/// `TF_ACC_COMMAND_TIMEOUT` (whole seconds, above 0), or [`DEFAULT_COMMAND_TIMEOUT`].
pub fn command_timeout(value: Option<&str>) -> Result<Duration> {
    match value.map(str::trim) {
        None | Some("") => Ok(DEFAULT_COMMAND_TIMEOUT),
        Some(v) => match v.parse::<u64>() {
            Ok(secs) if secs > 0 => Ok(Duration::from_secs(secs)),
            _ => {
                bail!("TF_ACC_COMMAND_TIMEOUT must be a whole number of seconds above 0, not {v:?}")
            }
        },
    }
}

/// A Terraform command that ran past its timeout; its process group was killed.
#[derive(Debug)]
pub struct TimedOut {
    pub run: Run,
    pub timeout: Duration,
    /// The killed process group (Terraform's pid).
    pub pgid: u32,
}

impl std::fmt::Display for TimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` did not finish within its timeout of {} s (TF_ACC_COMMAND_TIMEOUT); \
             its process group {} (Terraform and its provider plugins) was killed\n{}",
            self.run.command_line(),
            self.timeout.as_secs(),
            self.pgid,
            self.run.describe()
        )
    }
}

impl std::error::Error for TimedOut {}

/// A Terraform command started by [`Terraform::spawn`]; it leads its own process group.
pub struct Spawned {
    pub child: Child,
    pub args: Vec<String>,
    pub dir: PathBuf,
    pub stdout_path: PathBuf,
    pub stderr_path: PathBuf,
    pub log_path: Option<PathBuf>,
    pub started: Instant,
}

impl Spawned {
    /// The process group: Terraform's pid, since it leads the group.
    pub fn pgid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL to the whole group at once (Terraform and its provider plugins), as an OOM
    /// killer or a lost CI runner would end it: no handler runs, nothing is flushed.
    pub fn kill_group(&self) {
        kill_group(self.pgid());
    }

    /// Processes of the group still running (zombies, which hold nothing, left out).
    pub fn live_members(&self) -> Vec<u32> {
        live_group_members(self.pgid())
    }

    /// Wait for Terraform to exit and collect its run. `timed_out` marks a run the caller
    /// killed because it took too long.
    pub fn finish(mut self, timed_out: bool) -> Result<Run> {
        let status = self.child.wait()?;
        Ok(Run {
            args: self.args,
            dir: self.dir,
            code: if timed_out { None } else { status.code() },
            signal: std::os::unix::process::ExitStatusExt::signal(&status),
            timed_out,
            stdout: fs::read_to_string(&self.stdout_path).unwrap_or_default(),
            stderr: fs::read_to_string(&self.stderr_path).unwrap_or_default(),
            stdout_path: self.stdout_path,
            stderr_path: self.stderr_path,
            log_path: self.log_path,
            elapsed: self.started.elapsed(),
        })
    }
}

/// Pids of group `pgid` that are not zombies, from `/proc/<pid>/stat`.
pub fn live_group_members(pgid: u32) -> Vec<u32> {
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                return false;
            };
            // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses.
            let fields: Vec<&str> = stat
                .rsplit_once(')')
                .map(|(_, rest)| rest.split_whitespace().collect())
                .unwrap_or_default();
            matches!(fields.as_slice(), [state, _ppid, pgrp, ..]
                if *state != "Z" && *state != "X" && pgrp.parse::<u32>().ok() == Some(pgid))
        })
        .collect()
}

/// SIGKILL to every process of group `pgid`. Errors (the group is gone) are ignored.
pub fn kill_group(pgid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// A Terraform working directory: one configuration and one state.
#[derive(Clone)]
pub struct Workdir {
    pub dir: PathBuf,
    pub tf: Terraform,
}

impl Workdir {
    /// Replace the configuration with `hcl` (plus our provider source when it names none).
    pub fn write_config(&self, hcl: &str) -> Result<()> {
        for entry in fs::read_dir(&self.dir)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "tf") {
                fs::remove_file(&path)?;
            }
        }
        fs::write(self.dir.join("main.tf"), hcl)?;
        if needs_provider_block(hcl) {
            fs::write(
                self.dir.join(PROVIDERS_FILE),
                format!(
                    "terraform {{\n  required_providers {{\n    flywheel = {{ source = \"{PROVIDER_SOURCE}\" }}\n  }}\n}}\n"
                ),
            )?;
        }
        Ok(())
    }

    pub async fn run(&self, args: &[&str]) -> Result<Run> {
        self.tf.run(&self.dir, args, &[]).await
    }

    pub async fn run_with_env(&self, args: &[&str], env: &[(&str, &str)]) -> Result<Run> {
        self.tf.run(&self.dir, args, env).await
    }

    /// Run and insist on exit 0, returning the run or an error that shows its output.
    pub async fn run_ok(&self, args: &[&str]) -> Result<Run> {
        let run = self.run(args).await?;
        if !run.success() {
            bail!("{}", run.describe());
        }
        Ok(run)
    }

    /// The current state as `terraform show -json` reports it.
    pub async fn state(&self) -> Result<State> {
        let run = self.run_ok(&["show", "-json", "-no-color"]).await?;
        State::from_json(&run.stdout).with_context(|| run.describe())
    }

    /// `terraform plan -detailed-exitcode` with extra flags; returns the outcome and the run.
    pub async fn plan(&self, extra: &[&str]) -> Result<(PlanOutcome, Run)> {
        let mut args = vec!["plan", "-no-color", "-input=false", "-detailed-exitcode"];
        args.extend_from_slice(extra);
        let run = self.run(&args).await?;
        Ok((PlanOutcome::from_exit_code(run.code), run))
    }

    /// `terraform show -json` of a saved plan.
    pub async fn plan_json(&self, planfile: &Path) -> Result<serde_json::Value> {
        let path = planfile.to_string_lossy();
        let run = self.run_ok(&["show", "-json", "-no-color", &path]).await?;
        serde_json::from_str(run.stdout.trim()).with_context(|| run.describe())
    }

    pub fn state_file_exists(&self) -> bool {
        self.dir.join("terraform.tfstate").exists()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_exit_codes() {
        assert_eq!(PlanOutcome::from_exit_code(Some(0)), PlanOutcome::Empty);
        assert_eq!(PlanOutcome::from_exit_code(Some(2)), PlanOutcome::Changes);
        assert_eq!(PlanOutcome::from_exit_code(Some(1)), PlanOutcome::Failed);
        assert_eq!(PlanOutcome::from_exit_code(Some(3)), PlanOutcome::Failed);
        assert_eq!(PlanOutcome::from_exit_code(None), PlanOutcome::Failed);
    }

    #[test]
    fn version_from_json_and_text() {
        let json = r#"{"terraform_version":"1.6.6","platform":"linux_amd64","provider_selections":{},"terraform_outdated":false}"#;
        assert_eq!(parse_version(json).unwrap(), (1, 6, 6));
        assert_eq!(
            parse_version("Terraform v1.15.5\non linux_amd64").unwrap(),
            (1, 15, 5)
        );
        assert_eq!(
            parse_version(r#"{"terraform_version":"1.6.0-beta1"}"#).unwrap(),
            (1, 6, 0)
        );
        assert!(parse_version("nonsense").is_err());
        assert!((1, 15, 5) >= (1, 5, 0) && (1, 4, 9) < (1, 5, 0));
    }

    #[test]
    fn cli_config_overrides_our_provider_only() {
        let cfg = cli_config(Path::new("/tmp/with \"quote\"/debug"));
        assert!(
            cfg.contains(r#""omc/flywheel" = "/tmp/with \"quote\"/debug""#),
            "{cfg}"
        );
        assert!(cfg.contains("direct {}"), "{cfg}");
    }

    #[test]
    fn provider_block_only_when_config_has_none() {
        assert!(needs_provider_block("provider \"flywheel\" {}"));
        assert!(!needs_provider_block(
            "terraform {\n required_providers {\n flywheel = { source = \"omc/flywheel\" }\n }\n}"
        ));
    }

    #[test]
    fn override_warning_is_dropped() {
        let out = "\nWarning: Provider development overrides are in effect\n\nThe following provider development overrides are set in the CLI\nconfiguration:\n - omc/flywheel in /x\n\nThe behavior may therefore not match any released version of the provider and\napplying changes may cause the state to become incompatible with published\nreleases.\n\nError: boom\n";
        assert_eq!(without_override_warning(out).trim(), "Error: boom");
        let boxed = "╷\n│ Warning: Provider development overrides are in effect\n│ \n│ incompatible with published releases.\n╵\n╷\n│ Error: boom\n╵";
        assert_eq!(without_override_warning(boxed), "╷\n│ Error: boom\n╵");
        assert_eq!(without_override_warning("Error: boom"), "Error: boom");
    }

    #[test]
    fn command_timeout_defaults_to_300_s_and_rejects_nonsense() {
        assert_eq!(command_timeout(None).unwrap(), Duration::from_secs(300));
        assert_eq!(command_timeout(Some("")).unwrap(), Duration::from_secs(300));
        assert_eq!(
            command_timeout(Some("42")).unwrap(),
            Duration::from_secs(42)
        );
        for bad in ["0", "-1", "5m", "1.5"] {
            let err = command_timeout(Some(bad)).unwrap_err().to_string();
            assert!(err.contains("TF_ACC_COMMAND_TIMEOUT"), "{err}");
        }
    }

    #[test]
    fn long_output_is_cut_from_the_front() {
        let long = "é".repeat(15_000);
        let cut = tail(&long);
        assert!(cut.starts_with("[... "));
        assert!(cut.len() < long.len());
        assert_eq!(tail("short"), "short");
    }
}
