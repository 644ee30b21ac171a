//! Which of an account's names form one environment of a pipeline, by the names the
//! provider itself gives (`model::pipeline::names`) and the alerts' rule that a job or
//! crawler named after its pipeline contains `<name>-<environment>`
//! (`model::pipeline::default_name_pattern`). Pure: names in, a grouping out.
//!
//! Names are compared as tokens split at `-`, `_` and `.`, so `omc_flywheel-prod-glue-role`
//! and `omc_flywheel_prod` (underscores, as databases must have) match the name
//! `omc-flywheel` and the environment `prod` as `omc-flywheel-prod-glue-role` would.

use std::collections::BTreeMap;

use crate::aws::discover::AccountNames;
use crate::model::pipeline::{check_environment, BucketRole};

/// What to look for: the names' common prefix, and the environment if the user gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub prefix: String,
    pub environment: Option<String>,
    /// The account and region, for the Glue console's default assets bucket
    /// `aws-glue-assets-<account>-<region>` (the production example's).
    pub account: String,
    pub region: String,
}

/// A name left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// `job`, `crawler`, `database`, `role` or `bucket`.
    pub kind: &'static str,
    pub name: String,
    pub reason: String,
}

/// One environment's objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    pub environment: String,
    /// Where the environment came from when it was not given (for the report).
    pub inferred_from: Option<String>,
    pub role: Option<String>,
    pub database: Option<String>,
    pub buckets: BTreeMap<BucketRole, String>,
    pub jobs: Vec<String>,
    pub crawlers: Vec<String>,
    /// Names that contain the prefix but were left out.
    pub skipped: Vec<Skipped>,
}

/// The Glue console's default assets bucket is `aws-glue-assets-<account>-<region>`.
const CONSOLE_ASSETS: &str = "aws-glue-assets";

impl Environment {
    /// Nothing named after the prefix and environment was found: the console's assets
    /// bucket alone, which every environment in the region may share, does not count.
    pub fn is_empty(&self) -> bool {
        self.role.is_none()
            && self.database.is_none()
            && self
                .buckets
                .values()
                .all(|b| b.starts_with(&format!("{CONSOLE_ASSETS}-")))
            && self.jobs.is_empty()
            && self.crawlers.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupError {
    /// The prefix has no letter or digit.
    EmptyPrefix,
    /// Nothing carries the prefix with any environment.
    NoEnvironment,
    /// Several environments fit; the user must choose.
    Ambiguous(Vec<String>),
}

impl std::fmt::Display for GroupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GroupError::EmptyPrefix => write!(f, "the name prefix has no letter or digit"),
            GroupError::NoEnvironment => write!(
                f,
                "no job, crawler, database or role name holds the prefix followed by an environment (such as etl-<prefix>-<env>-..., <prefix>_<env>, <prefix>-<env>-glue-role); pass --environment if its names differ"
            ),
            GroupError::Ambiguous(envs) => write!(
                f,
                "names of several environments hold the prefix: {}; choose one with --environment",
                envs.join(", ")
            ),
        }
    }
}

/// The lowercase tokens of a name.
pub fn tokens(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(['-', '_', '.'])
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Where `run` starts in `toks`, first match; `None` for an empty `run`.
pub fn find_run(toks: &[String], run: &[String]) -> Option<usize> {
    if run.is_empty() || run.len() > toks.len() {
        return None;
    }
    (0..=toks.len() - run.len()).find(|&i| toks[i..i + run.len()] == *run)
}

const ROLE_KEYWORDS: [(&str, BucketRole); 3] = [
    ("data", BucketRole::Data),
    ("assets", BucketRole::Assets),
    ("analysis", BucketRole::Analysis),
];

/// Groups `names` into the environment `q` asks for (or the one they imply).
pub fn group(q: &Query, names: &AccountNames) -> Result<Environment, GroupError> {
    let prefix = tokens(&q.prefix);
    if prefix.is_empty() {
        return Err(GroupError::EmptyPrefix);
    }
    let (environment, inferred_from) = match &q.environment {
        Some(e) => (e.clone(), None),
        None => {
            let (e, from) = infer_environment(&prefix, names)?;
            (e, Some(from))
        }
    };
    let env = tokens(&environment);
    let run: Vec<String> = prefix.iter().chain(&env).cloned().collect();
    let mut out = Environment {
        environment: environment.clone(),
        inferred_from,
        ..Default::default()
    };
    for (kind, list, into) in [
        ("job", &names.jobs, &mut out.jobs),
        ("crawler", &names.crawlers, &mut out.crawlers),
    ] {
        for name in sorted(list) {
            let t = tokens(name);
            if find_run(&t, &run).is_some() {
                into.push(name.clone());
            } else if find_run(&t, &prefix).is_some() {
                out.skipped
                    .push(other_environment(kind, name, &environment));
            }
        }
    }

    // The database: `<name>_<env>` exactly, else one that holds it.
    let (database, skipped) = pick_one(
        "database",
        &names.databases,
        |t| find_run(t, &run).map(|_| if *t == run { 0 } else { 1 }),
        &prefix,
        &environment,
    );
    out.database = database;
    out.skipped.extend(skipped);

    // The role: `<name>-<env>-glue-role` exactly, else one that holds the prefix and
    // environment and says glue, else any that holds them.
    let glue_role: Vec<String> = run
        .iter()
        .cloned()
        .chain(["glue".to_string(), "role".to_string()])
        .collect();
    let (role, skipped) = pick_one(
        "role",
        &names.roles,
        |t| {
            find_run(t, &run).map(|_| {
                if *t == glue_role {
                    0
                } else if t.iter().any(|x| x == "glue") {
                    1
                } else {
                    2
                }
            })
        },
        &prefix,
        &environment,
    );
    out.role = role;
    out.skipped.extend(skipped);

    let (buckets, skipped) = buckets(q, names, &prefix, &environment);
    out.buckets = buckets;
    out.skipped.extend(skipped);
    Ok(out)
}

/// Buckets: the role is the first of data, assets, analysis after the prefix
/// (`omc-flywheel-prod-analysis-data` is the analysis bucket); the environment may sit
/// anywhere (`omc-flywheel-data-us-east-1-prod`). Rank: the default name
/// `<name>-<env>-<role>`, then the prefix and environment side by side, then the rest.
fn buckets(
    q: &Query,
    names: &AccountNames,
    prefix: &[String],
    environment: &str,
) -> (BTreeMap<BucketRole, String>, Vec<Skipped>) {
    let env = tokens(environment);
    let run: Vec<String> = prefix.iter().chain(&env).cloned().collect();
    let mut found = BTreeMap::new();
    let mut skipped = Vec::new();
    let console_assets = format!("{CONSOLE_ASSETS}-{}-{}", q.account, q.region);
    let mut candidates: BTreeMap<BucketRole, Vec<(u8, String)>> = BTreeMap::new();
    for name in sorted(&names.buckets) {
        if *name == console_assets {
            candidates
                .entry(BucketRole::Assets)
                .or_default()
                .push((3, name.clone()));
            continue;
        }
        let t = tokens(name);
        let Some(at) = find_run(&t, prefix) else {
            continue;
        };
        // The provider reads and configures buckets through its region's endpoint.
        if let Some(r) = names.bucket_regions.get(name).filter(|r| **r != q.region) {
            skipped.push(Skipped {
                kind: "bucket",
                name: name.clone(),
                reason: format!("is in {r}, not {}", q.region),
            });
            continue;
        }
        if find_run(&t, &env).is_none() {
            skipped.push(other_environment("bucket", name, environment));
            continue;
        }
        let role = t[at + prefix.len()..]
            .iter()
            .find_map(|x| ROLE_KEYWORDS.iter().find(|(k, _)| k == x).map(|(_, r)| *r));
        let Some(role) = role else {
            skipped.push(Skipped {
                kind: "bucket",
                name: name.clone(),
                reason: "matched no bucket role: no data, assets or analysis after the prefix"
                    .into(),
            });
            continue;
        };
        let default: Vec<String> = run
            .iter()
            .cloned()
            .chain([role.key().to_string()])
            .collect();
        let rank = if t == default {
            0
        } else if find_run(&t, &run).is_some() {
            1
        } else {
            2
        };
        candidates
            .entry(role)
            .or_default()
            .push((rank, name.clone()));
    }
    for (role, ranked) in candidates {
        let what = format!("{} bucket", role.key());
        let (chosen, others) = choose("bucket", &what, ranked);
        if let Some(c) = chosen {
            found.insert(role, c);
        }
        skipped.extend(others);
    }
    (found, skipped)
}

fn sorted(list: &[String]) -> Vec<&String> {
    let mut v: Vec<&String> = list.iter().collect();
    v.sort();
    v.dedup();
    v
}

/// The best-ranked of `list` by `rank` (see [`choose`]); names that hold the prefix
/// without the environment are skipped.
fn pick_one(
    kind: &'static str,
    list: &[String],
    rank: impl Fn(&Vec<String>) -> Option<u8>,
    prefix: &[String],
    environment: &str,
) -> (Option<String>, Vec<Skipped>) {
    let mut ranked = Vec::new();
    let mut skipped = Vec::new();
    for name in sorted(list) {
        let t = tokens(name);
        match rank(&t) {
            Some(r) => ranked.push((r, name.clone())),
            None if find_run(&t, prefix).is_some() => {
                skipped.push(other_environment(kind, name, environment))
            }
            None => {}
        }
    }
    let (chosen, more) = choose(kind, kind, ranked);
    skipped.extend(more);
    (chosen, skipped)
}

/// A name that holds the prefix but not the environment asked for.
fn other_environment(kind: &'static str, name: &str, environment: &str) -> Skipped {
    Skipped {
        kind,
        name: name.to_string(),
        reason: format!("holds the prefix but not the environment {environment:?}"),
    }
}

/// The one name of the best (lowest) rank, and every other as skipped; none when two
/// share the best rank, since guessing would adopt the wrong object.
fn choose(
    kind: &'static str,
    what: &str,
    mut ranked: Vec<(u8, String)>,
) -> (Option<String>, Vec<Skipped>) {
    ranked.sort();
    let Some(best) = ranked.first().map(|(r, _)| *r) else {
        return (None, Vec::new());
    };
    let top: Vec<String> = ranked
        .iter()
        .filter(|(r, _)| *r == best)
        .map(|(_, n)| n.clone())
        .collect();
    let chosen = (top.len() == 1).then(|| top[0].clone());
    let skipped = ranked
        .into_iter()
        .filter(|(_, n)| Some(n) != chosen.as_ref())
        .map(|(r, name)| {
            let reason = if chosen.is_none() && r == best {
                format!(
                    "one of {} equally likely {what}s ({}); name the right one in the import ID",
                    top.len(),
                    top.join(", ")
                )
            } else {
                format!(
                    "the pipeline has one {what}, and {} fits the naming better",
                    top.join(" and ")
                )
            };
            Skipped { kind, name, reason }
        })
        .collect();
    (chosen, skipped)
}

/// The environment the names imply: the token after the prefix in a database
/// `<prefix>_<env>` or a role `<prefix>-<env>-glue-role` (the provider's own names), else
/// in job and crawler names; an error unless exactly one such token is found.
fn infer_environment(
    prefix: &[String],
    names: &AccountNames,
) -> Result<(String, String), GroupError> {
    let after = |name: &str| -> Option<(String, Vec<String>)> {
        let t = tokens(name);
        let at = find_run(&t, prefix)?;
        let env = t.get(at + prefix.len())?.clone();
        check_environment(&env).ok()?;
        Some((env, t))
    };
    let mut strong: BTreeMap<String, String> = BTreeMap::new();
    for db in &names.databases {
        if let Some((env, t)) = after(db) {
            if t.len() == prefix.len() + 1 {
                strong
                    .entry(env)
                    .or_insert_with(|| format!("the database {db}"));
            }
        }
    }
    for role in &names.roles {
        if let Some((env, t)) = after(role) {
            if t.len() == prefix.len() + 3 && t.ends_with(&["glue".into(), "role".into()]) {
                strong
                    .entry(env)
                    .or_insert_with(|| format!("the role {role}"));
            }
        }
    }
    let chosen = if strong.is_empty() {
        let mut weak: BTreeMap<String, String> = BTreeMap::new();
        for (kind, list) in [("job", &names.jobs), ("crawler", &names.crawlers)] {
            for n in list {
                if let Some((env, _)) = after(n) {
                    weak.entry(env).or_insert_with(|| format!("the {kind} {n}"));
                }
            }
        }
        weak
    } else {
        strong
    };
    match chosen.len() {
        0 => Err(GroupError::NoEnvironment),
        1 => Ok(chosen.into_iter().next().unwrap_or_default()),
        _ => Err(GroupError::Ambiguous(chosen.into_keys().collect())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn query(env: Option<&str>) -> Query {
        Query {
            prefix: "omc-flywheel".into(),
            environment: env.map(str::to_string),
            account: "239083076653".into(),
            region: "us-east-1".into(),
        }
    }

    /// The production example's names, with a staging environment and strangers beside it.
    fn production() -> AccountNames {
        AccountNames {
            jobs: s(&[
                "etl-omc-flywheel-prod-infobase-cleanroom-from-csv",
                "etl-omc-flywheel-prod-addressable-ids-compaction",
                "etl-omc-flywheel-prod-infobase-attributes-compaction",
                "etl-omc-flywheel-staging-addressable-ids-compaction",
                "someone-elses-job",
            ]),
            crawlers: s(&[
                "crw-omc-flywheel-prod-raw-input-addressable",
                "crw-omc-flywheel-prod-addressable-ids-compaction",
                "crw-omc-flywheel-staging-raw-input-addressable",
            ]),
            databases: s(&["omc_flywheel_prod", "omc_flywheel_staging", "default"]),
            roles: s(&[
                "omc_flywheel-prod-glue-role",
                "omc_flywheel-staging-glue-role",
                "AWSServiceRoleForSupport",
            ]),
            buckets: s(&[
                "omc-flywheel-data-us-east-1-prod",
                "aws-glue-assets-239083076653-us-east-1",
                "omc-flywheel-prod-analysis-data",
                "omc-flywheel-prod-logs",
                "omc-flywheel-data-us-east-1-staging",
                "unrelated-bucket",
            ]),
            ..Default::default()
        }
    }

    #[test]
    fn the_production_example_groups_into_one_environment() {
        let e = group(&query(Some("prod")), &production()).unwrap();
        assert_eq!(e.environment, "prod");
        assert_eq!(e.role.as_deref(), Some("omc_flywheel-prod-glue-role"));
        assert_eq!(e.database.as_deref(), Some("omc_flywheel_prod"));
        assert_eq!(
            e.buckets,
            BTreeMap::from([
                (BucketRole::Data, "omc-flywheel-data-us-east-1-prod".into()),
                (
                    BucketRole::Assets,
                    "aws-glue-assets-239083076653-us-east-1".into()
                ),
                (
                    BucketRole::Analysis,
                    "omc-flywheel-prod-analysis-data".into()
                ),
            ])
        );
        assert_eq!(
            e.jobs,
            s(&[
                "etl-omc-flywheel-prod-addressable-ids-compaction",
                "etl-omc-flywheel-prod-infobase-attributes-compaction",
                "etl-omc-flywheel-prod-infobase-cleanroom-from-csv",
            ])
        );
        assert_eq!(
            e.crawlers,
            s(&[
                "crw-omc-flywheel-prod-addressable-ids-compaction",
                "crw-omc-flywheel-prod-raw-input-addressable",
            ])
        );
        let skipped: Vec<(&str, &str)> = e
            .skipped
            .iter()
            .map(|k| (k.kind, k.name.as_str()))
            .collect();
        assert_eq!(
            skipped,
            [
                ("job", "etl-omc-flywheel-staging-addressable-ids-compaction"),
                ("crawler", "crw-omc-flywheel-staging-raw-input-addressable"),
                ("database", "omc_flywheel_staging"),
                ("role", "omc_flywheel-staging-glue-role"),
                ("bucket", "omc-flywheel-data-us-east-1-staging"),
                ("bucket", "omc-flywheel-prod-logs"),
            ]
        );
        // A bucket in another region is left out, naming the region.
        let mut names = production();
        names.buckets.push("omc-flywheel-prod-data".into());
        names
            .bucket_regions
            .insert("omc-flywheel-prod-data".into(), "eu-west-1".into());
        let e2 = group(&query(Some("prod")), &names).unwrap();
        assert_eq!(e2.buckets, e.buckets);
        assert!(e2.skipped.contains(&Skipped {
            kind: "bucket",
            name: "omc-flywheel-prod-data".into(),
            reason: "is in eu-west-1, not us-east-1".into(),
        }));
        let logs = e
            .skipped
            .iter()
            .find(|k| k.name == "omc-flywheel-prod-logs");
        assert!(logs.unwrap().reason.contains("matched no bucket role"));
        // Strangers are neither found nor reported.
        assert!(!format!("{e:?}").contains("unrelated") && !format!("{e:?}").contains("someone"));
    }

    #[test]
    fn the_environment_is_inferred_when_only_one_fits() {
        let mut names = production();
        let both = group(&query(None), &names).unwrap_err();
        assert_eq!(both, GroupError::Ambiguous(s(&["prod", "staging"])));
        assert!(both.to_string().contains("--environment"));

        names.databases.retain(|d| !d.contains("staging"));
        names.roles.retain(|r| !r.contains("staging"));
        let e = group(&query(None), &names).unwrap();
        assert_eq!(e.environment, "prod");
        assert_eq!(
            e.inferred_from.as_deref(),
            Some("the database omc_flywheel_prod")
        );

        // Without database and role, the jobs and crawlers decide.
        let only_jobs = AccountNames {
            jobs: s(&["etl-omc-flywheel-dev-a", "crw-other"]),
            crawlers: s(&["crw-omc-flywheel-dev-a"]),
            ..Default::default()
        };
        let e = group(&query(None), &only_jobs).unwrap();
        assert_eq!(e.environment, "dev");
        assert_eq!(e.jobs, s(&["etl-omc-flywheel-dev-a"]));

        assert_eq!(
            group(&query(None), &AccountNames::default()).unwrap_err(),
            GroupError::NoEnvironment
        );

        // An environment with nothing but the console's shared assets bucket is empty.
        let dev = group(&query(Some("dev")), &production()).unwrap();
        assert_eq!(
            dev.buckets[&BucketRole::Assets],
            "aws-glue-assets-239083076653-us-east-1"
        );
        assert!(dev.is_empty());
        assert!(!group(&query(Some("prod")), &production())
            .unwrap()
            .is_empty());
    }

    #[test]
    fn default_names_win_and_ties_are_left_to_the_user() {
        let names = AccountNames {
            buckets: s(&[
                "omc-flywheel-prod-data",
                "omc-flywheel-data-prod-archive",
                "omc-flywheel-prod-assets",
                "omc-flywheel-assets-us-east-1-prod",
                "omc-flywheel-analysis-a-prod",
                "omc-flywheel-analysis-b-prod",
            ]),
            databases: s(&["omc_flywheel_prod", "omc_flywheel_prod_archive"]),
            roles: s(&["omc-flywheel-prod-runner", "omc-flywheel-prod-glue-exec"]),
            ..Default::default()
        };
        let e = group(&query(Some("prod")), &names).unwrap();
        assert_eq!(e.buckets[&BucketRole::Data], "omc-flywheel-prod-data");
        assert_eq!(e.buckets[&BucketRole::Assets], "omc-flywheel-prod-assets");
        assert!(!e.buckets.contains_key(&BucketRole::Analysis));
        let tie = e
            .skipped
            .iter()
            .filter(|k| k.reason.contains("equally likely analysis"))
            .count();
        assert_eq!(tie, 2, "{:?}", e.skipped);
        assert_eq!(e.database.as_deref(), Some("omc_flywheel_prod"));
        // A role that says glue beats one that does not.
        assert_eq!(e.role.as_deref(), Some("omc-flywheel-prod-glue-exec"));
        assert!(e
            .skipped
            .iter()
            .any(|k| k.name == "omc-flywheel-prod-runner"
                && k.reason.contains("fits the naming better")));
    }

    #[test]
    fn a_multi_word_environment_and_prefix_match_as_tokens() {
        let names = AccountNames {
            jobs: s(&["etl-acme-data-eu-prod-load", "etl-acme-data-eu-prodx-load"]),
            databases: s(&["acme_data_eu_prod"]),
            ..Default::default()
        };
        let q = Query {
            prefix: "acme_data".into(),
            environment: Some("eu-prod".into()),
            account: "1".into(),
            region: "eu-west-1".into(),
        };
        let e = group(&q, &names).unwrap();
        assert_eq!(e.jobs, s(&["etl-acme-data-eu-prod-load"]));
        assert_eq!(e.database.as_deref(), Some("acme_data_eu_prod"));
        assert_eq!(
            group(
                &Query {
                    prefix: "--".into(),
                    ..q
                },
                &names
            )
            .unwrap_err(),
            GroupError::EmptyPrefix
        );
    }
}
