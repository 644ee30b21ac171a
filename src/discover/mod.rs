//! `terraform-provider-flywheel discover`: finds one hand-built environment in an account
//! and prints the `import {}` blocks that adopt it (a pipeline, its jobs and crawlers) on
//! stdout, and what it found and skipped on stderr. Read-only: it lists and reads, never
//! writes.
//!
//! `group` decides which names form the environment and `render` writes the blocks, both
//! pure; the listings are `aws::discover`'s.

mod group;
mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::process::ExitCode;

use crate::aws::{self, connect::ConnectOptions};
use crate::model::ownership::OWNER_TAG;
use crate::model::pipeline::{check_environment, check_pipeline_name, BucketRole};
use crate::model::tags::Tags;

pub const USAGE: &str = "\
Usage: terraform-provider-flywheel discover --name-prefix <prefix> [options]

Finds the Glue jobs, crawlers and catalog database, the IAM role and the S3 buckets of one
environment built without Terraform, by the names the provider gives (etl-<prefix>-<env>-...,
crw-<prefix>-<env>-..., <prefix>_<env>, <prefix>-<env>-glue-role, buckets with data, assets
or analysis after the prefix), and prints import blocks for flywheel_pipeline, flywheel_job
and flywheel_crawler on stdout. Complete them with
`terraform plan -generate-config-out=generated.tf`. What was found and skipped, and why, goes
to stderr. Only List and Get calls are made.

Options:
  --name-prefix <prefix>   the common part of the names, such as omc-flywheel (required)
  --environment <env>      the environment, such as prod; needed when names of several
                           environments hold the prefix
  --name <name>            the pipeline's name in the import ID (default: the prefix)
  --region <region>        the AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the
                           profile's)
  --profile <profile>      the AWS profile (default: AWS_PROFILE, else the usual chain)
  -h, --help               this text

Credentials come from the usual AWS chain; AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
point it at another endpoint, as for the provider.
";

/// The command line after `discover`, as given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub name_prefix: String,
    pub environment: Option<String>,
    pub name: Option<String>,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub help: bool,
}

/// Parses `--flag value` and `--flag=value`. The error names the problem; `run` adds the
/// usage.
pub fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut out = Args::default();
    let mut prefix = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if arg == "-h" || arg == "--help" {
            out.help = true;
            continue;
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let slot = match flag {
            "--name-prefix" => &mut prefix,
            "--environment" => &mut out.environment,
            "--name" => &mut out.name,
            "--region" => &mut out.region,
            "--profile" => &mut out.profile,
            _ if flag.starts_with('-') => return Err(format!("unknown option {flag}")),
            _ => return Err(format!("unexpected argument {arg:?}")),
        };
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))?,
        };
        if value.trim().is_empty() {
            return Err(format!("{flag} needs a value"));
        }
        if slot.replace(value).is_some() {
            return Err(format!("{flag} is given twice"));
        }
    }
    if out.help {
        return Ok(out);
    }
    out.name_prefix = prefix.ok_or("--name-prefix is required")?;
    // AWS names of these kinds hold no other characters, and the prefix is echoed into HCL.
    if !out
        .name_prefix
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return Err(format!(
            "--name-prefix {:?} may hold only letters, digits, '-', '_' and '.'",
            out.name_prefix
        ));
    }
    // Well-formed, not known: the emulator's and a new region's names must pass.
    if let Some(r) = out
        .region
        .as_ref()
        .filter(|r| !aws::regions::is_well_formed(r))
    {
        return Err(format!(
            "--region {r:?} is not a region name such as us-east-1"
        ));
    }
    if let Some(e) = &out.environment {
        check_environment(e).map_err(|m| format!("--environment: {m}"))?;
    }
    Ok(out)
}

/// Runs the command with the arguments after `discover`; never panics on what AWS or the
/// command line gives.
pub fn main(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) if a.help => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(a) => a,
        Err(e) => {
            eprintln!("discover: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("discover: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(&args)) {
        Ok((imports, report)) => {
            eprint!("{report}");
            print!("{imports}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("discover: {e}");
            ExitCode::from(1)
        }
    }
}

/// The import blocks and the report.
async fn run(args: &Args) -> Result<(String, String), String> {
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| args.name_prefix.replace('_', "-").to_ascii_lowercase());
    check_pipeline_name(&name)
        .map_err(|m| format!("the pipeline's name defaults to the prefix, but {m}; pass --name"))?;
    let options = ConnectOptions {
        region: args.region.clone(),
        profile: args.profile.clone(),
        max_retries: aws::retry::DEFAULT_MAX_RETRIES,
        ..Default::default()
    };
    let ctx = aws::connect::build(&options).await?;
    // First, so missing or wrong credentials fail with one clear message.
    let identity = aws::sts::get_caller_identity(&ctx.sts, &ctx.retry)
        .await
        .map_err(|e| format!("cannot tell who the credentials belong to: {e}"))?;
    let names = aws::discover::list(&ctx).await.map_err(|e| e.to_string())?;
    let query = group::Query {
        prefix: args.name_prefix.clone(),
        environment: args.environment.clone(),
        account: identity.account_id.clone(),
        region: ctx.region.clone(),
    };
    let env = group::group(&query, &names).map_err(|e| format!("{e}"))?;
    if env.is_empty() {
        return Err(format!(
            "nothing of the environment {:?} with the prefix {:?} was found in {} (account {}){}",
            env.environment,
            args.name_prefix,
            ctx.region,
            identity.account_id,
            if env.skipped.is_empty() {
                String::new()
            } else {
                format!("; left out:\n{}", render::skipped(&env).join("\n"))
            }
        ));
    }
    let mut tags = BTreeMap::new();
    for (role, bucket) in &env.buckets {
        let read = aws::s3::buckets::current_tags(&ctx, bucket).await;
        tags.insert(*role, read.map_err(|e| e.code.clone().unwrap_or(e.message)));
    }
    let (adopted, tag_errors) = adoption(tags);
    let run = group::tokens(&format!("{}-{}", args.name_prefix, env.environment));
    let header = format!(
        "# terraform-provider-flywheel discover --name-prefix {} --environment {} ({}, account {})\n\n",
        args.name_prefix, env.environment, ctx.region, identity.account_id
    );
    let imports = header + &render::imports(&name, &run, &env, &adopted);
    let report = format!(
        "discover: {} in account {}, prefix {:?}\n{}",
        ctx.region,
        identity.account_id,
        args.name_prefix,
        render::report(&env, &adopted, &tag_errors)
    );
    Ok((imports, report))
}

/// Which buckets the import ID lists as adopted, and the tag reads that failed. A bucket is
/// adopted unless it carries the provider's identity (a pipeline created it); one whose
/// tags could not be read is adopted too, since adopted buckets are never deleted.
fn adoption(
    tags: BTreeMap<BucketRole, Result<Tags, String>>,
) -> (BTreeSet<BucketRole>, BTreeMap<BucketRole, String>) {
    let mut adopted = BTreeSet::new();
    let mut errors = BTreeMap::new();
    for (role, read) in tags {
        match read {
            Ok(t) if t.contains_key(OWNER_TAG) => {}
            Ok(_) => {
                adopted.insert(role);
            }
            Err(e) => {
                adopted.insert(role);
                errors.insert(role, e);
            }
        }
    }
    (adopted, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: &[&str]) -> Result<Args, String> {
        parse_args(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_take_a_value_either_way() {
        let a = args(&[
            "--name-prefix",
            "omc-flywheel",
            "--environment=prod",
            "--region",
            "us-east-1",
        ])
        .unwrap();
        assert_eq!(a.name_prefix, "omc-flywheel");
        assert_eq!(a.environment.as_deref(), Some("prod"));
        assert_eq!(a.region.as_deref(), Some("us-east-1"));
        assert!(args(&["--help"]).unwrap().help);
        assert!(args(&["-h", "--bogus"]).is_err());
    }

    #[test]
    fn buckets_without_the_owner_tag_or_unreadable_tags_are_adopted() {
        let tagged = Tags::from([(OWNER_TAG.to_string(), "a".repeat(32))]);
        let other = Tags::from([("Project".to_string(), "omc".to_string())]);
        let (adopted, errors) = adoption(BTreeMap::from([
            (BucketRole::Data, Ok(other)),
            (BucketRole::Assets, Ok(tagged)),
            (BucketRole::Analysis, Err("AccessDenied".to_string())),
        ]));
        assert_eq!(
            adopted,
            BTreeSet::from([BucketRole::Data, BucketRole::Analysis])
        );
        assert_eq!(
            errors,
            BTreeMap::from([(BucketRole::Analysis, "AccessDenied".to_string())])
        );
    }

    #[test]
    fn mistakes_are_named() {
        for (given, expected) in [
            (vec![], "--name-prefix is required"),
            (vec!["--name-prefix"], "--name-prefix needs a value"),
            (vec!["--name-prefix="], "--name-prefix needs a value"),
            (
                vec!["--name-prefix", "a", "--name-prefix", "b"],
                "given twice",
            ),
            (
                vec!["--name-prefix", "a", "--force"],
                "unknown option --force",
            ),
            (vec!["--name-prefix", "a", "extra"], "unexpected argument"),
            (vec!["--name-prefix", "a\nb"], "may hold only letters"),
            (
                vec!["--name-prefix", "a", "--region", "useast1"],
                "not a region name",
            ),
            (
                vec!["--name-prefix", "a", "--environment", "Prod"],
                "--environment: environment \"Prod\"",
            ),
        ] {
            let e = args(&given).unwrap_err();
            assert!(e.contains(expected), "{given:?}: {e}");
        }
    }
}
