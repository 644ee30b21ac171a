//! Comparing a crawler with what Glue reports: the fields Glue reports differently from the
//! request (a role by name, a configuration with the grouping it adds, schedules, policies
//! left to their defaults) are compared in meaning, so that no perpetual diff appears.

use super::crawler::*;
use super::crawler_settings as settings;
use super::crawler_targets as targets;
use super::schedule;

/// The configuration GetCrawler reports, less what Glue adds by itself for this kind of
/// crawler (the grouping of a crawler of catalog targets).
pub fn reported_configuration(seen: &ObservedCrawler) -> Option<String> {
    configuration_as_glue_reads(seen, seen.configuration.as_deref())
}

/// `text` less the grouping Glue adds when `seen` crawls catalog targets, so that a
/// configuration that sets that grouping and one that leaves it out compare alike.
pub fn configuration_as_glue_reads(seen: &ObservedCrawler, text: Option<&str>) -> Option<String> {
    if seen.other_targets.catalog.is_empty() {
        text.map(str::to_string)
    } else {
        without_catalog_grouping(text)
    }
}

/// Whether the configuration Glue reports is the one wanted.
fn same_configuration(want: &DesiredCrawler, seen: &ObservedCrawler) -> bool {
    let wanted = if want.other_targets.catalog.is_empty() {
        want.configuration.clone()
    } else {
        without_catalog_grouping(want.configuration.as_deref())
    };
    configuration_equivalent(wanted.as_deref(), reported_configuration(seen).as_deref())
}

// ---------------------------------------------------------------------------------------
// Comparison of what AWS holds with what is wanted
// ---------------------------------------------------------------------------------------

/// Targets compare as a set: Glue keeps the order it was given, but the order has no meaning.
pub fn same_targets(a: &[S3Target], b: &[S3Target]) -> bool {
    let norm = |t: &[S3Target]| {
        let mut v: Vec<S3Target> = t
            .iter()
            .map(|t| {
                let mut x = t.exclusions.clone();
                x.sort();
                S3Target {
                    exclusions: x,
                    connection_name: t.connection_name.clone().filter(|c| !c.is_empty()),
                    ..t.clone()
                }
            })
            .collect();
        v.sort();
        v
    };
    norm(a) == norm(b)
}

/// Glue reports a missing prefix as absent or as `""`.
pub fn same_prefix(a: Option<&str>, b: Option<&str>) -> bool {
    a.unwrap_or("") == b.unwrap_or("")
}

pub fn same_schedule(a: Option<&str>, b: Option<&str>) -> bool {
    match (a.filter(|s| !s.is_empty()), b.filter(|s| !s.is_empty())) {
        (None, None) => true,
        (Some(a), Some(b)) => schedule::equivalent(a, b),
        _ => false,
    }
}

/// The schema change and recrawl policies Glue reports when none were set (AWS's own
/// defaults, which differ from this resource's for deletes).
pub const AWS_DEFAULT_UPDATE_BEHAVIOR: &str = "UPDATE_IN_DATABASE";
pub const AWS_DEFAULT_DELETE_BEHAVIOR: &str = "DEPRECATE_IN_DATABASE";

/// Observed policies with AWS's defaults filled in where Glue reported none.
pub fn observed_policies(o: &ObservedCrawler) -> (String, String, String) {
    (
        o.update_behavior
            .clone()
            .unwrap_or_else(|| AWS_DEFAULT_UPDATE_BEHAVIOR.into()),
        o.delete_behavior
            .clone()
            .unwrap_or_else(|| AWS_DEFAULT_DELETE_BEHAVIOR.into()),
        o.recrawl_behavior
            .clone()
            .unwrap_or_else(|| DEFAULT_RECRAWL_BEHAVIOR.into()),
    )
}

/// A role as Glue or a user writes it: an IAM role ARN, or the role's name with its path.
#[derive(Debug, PartialEq, Eq)]
struct RoleRef<'a> {
    /// `arn:<partition>:iam::<account>` when written as an ARN.
    arn_prefix: Option<&'a str>,
    /// The path without its outer slashes (`service-role`), `""` for the root path `/`.
    path: &'a str,
    name: &'a str,
}

fn role_ref(s: &str) -> RoleRef<'_> {
    let (arn_prefix, path_name) = match s.rsplit_once(":role/") {
        Some((prefix, rest)) if prefix.starts_with("arn:") => (Some(prefix), rest),
        _ => (None, s),
    };
    let path_name = path_name.trim_start_matches('/');
    let (path, name) = path_name.rsplit_once('/').unwrap_or(("", path_name));
    RoleRef {
        arn_prefix,
        path: path.trim_matches('/'),
        name,
    }
}

/// Whether two spellings name the same IAM role. GetCrawler reports a crawler's role by
/// name (`path/name` for a role with a path, such as `service-role/name`), not by the ARN
/// CreateCrawler was given (terraform-provider-aws suppresses the same diff: "Glue API
/// always returns name"). A name and an ARN are the same role when the ARN's path and name
/// are the name's; two ARNs must be equal (another account's role of the same name is
/// another role).
pub fn same_role(a: &str, b: &str) -> bool {
    let (x, y) = (role_ref(a), role_ref(b));
    match (x.arn_prefix, y.arn_prefix) {
        (Some(_), Some(_)) => a == b,
        _ => x.name == y.name && x.path == y.path,
    }
}

/// The role's ARN from what GetCrawler reports: an ARN as it is, a name (with its path) in
/// `account` and `partition`. `None` when it is a name and the account is not known.
pub fn role_arn_from_reported(
    reported: &str,
    partition: &str,
    account: Option<&str>,
) -> Option<String> {
    let r = role_ref(reported);
    if r.arn_prefix.is_some() {
        return Some(reported.to_string());
    }
    let account = account?;
    let path = if r.path.is_empty() {
        String::new()
    } else {
        format!("{}/", r.path)
    };
    Some(format!(
        "arn:{partition}:iam::{account}:role/{path}{}",
        r.name
    ))
}

/// Names of the crawler's fields that differ between AWS and the desired crawler (empty
/// when AWS already holds it). Equivalent spellings (JSON, schedules, order, a role's name
/// for its ARN) are no diff.
pub fn differences(want: &DesiredCrawler, seen: &ObservedCrawler) -> Vec<&'static str> {
    let mut out = Vec::new();
    let (update, delete, recrawl) = observed_policies(seen);
    if !seen
        .role
        .as_deref()
        .is_some_and(|r| same_role(r, &want.role))
    {
        out.push("role");
    }
    if seen.database.as_deref() != Some(want.database.as_str()) {
        out.push("database");
    }
    if !same_targets(&want.targets, &seen.targets)
        || !targets::same_other_targets(&want.other_targets, &seen.other_targets)
    {
        out.push("targets");
    }
    if !same_prefix(want.table_prefix.as_deref(), seen.table_prefix.as_deref()) {
        out.push("table_prefix");
    }
    if update != want.update_behavior || delete != want.delete_behavior {
        out.push("schema_change_policy");
    }
    if recrawl != want.recrawl_behavior {
        out.push("recrawl_policy");
    }
    if !same_schedule(want.schedule.as_deref(), seen.schedule.as_deref()) {
        out.push("schedule");
    }
    if !same_configuration(want, seen) {
        out.push("configuration");
    }
    out.extend(settings::differences(&want.settings, &seen.settings));
    out
}
