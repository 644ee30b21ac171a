//! A crawler's optional Glue settings beyond its targets and policies: description, custom
//! classifiers, data lineage, security configuration and Lake Formation credentials; how
//! each compares with what GetCrawler reports (Glue's spellings of "not set" are no
//! difference); and their one-value checks. The S3 target options (sample size, event
//! queues) live on `crawler::S3Target`; their rules are here.

use std::ops::RangeInclusive;

/// What the crawler's description is when `description` is not set.
pub const DEFAULT_DESCRIPTION: &str = "Managed by terraform-provider-flywheel.";
/// Glue's limit on a crawler's description.
pub const DESCRIPTION_MAX: usize = 2048;
/// Glue's limit on `CrawlerSecurityConfiguration`.
pub const SECURITY_CONFIGURATION_MAX: usize = 128;
/// `S3Target.SampleSize`: files crawled per leaf folder.
pub const SAMPLE_SIZE: RangeInclusive<i64> = 1..=249;

/// `LakeFormationConfiguration`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LakeFormation {
    pub use_credentials: bool,
    /// For a crawler in another account than the catalog's.
    pub account_id: Option<String>,
}

/// The settings as configured (and as sent to Glue).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CrawlerSettings {
    /// `None`: [`DEFAULT_DESCRIPTION`].
    pub description: Option<String>,
    /// Custom classifier names, in the order Glue tries them.
    pub classifiers: Vec<String>,
    pub lineage: bool,
    pub security_configuration: Option<String>,
    pub lake_formation: Option<LakeFormation>,
}

/// The settings as GetCrawler reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObservedSettings {
    pub description: Option<String>,
    pub classifiers: Vec<String>,
    /// `CrawlerLineageSettings`: `ENABLE` or `DISABLE`.
    pub lineage: Option<String>,
    pub security_configuration: Option<String>,
    pub lake_formation: Option<LakeFormation>,
}

impl CrawlerSettings {
    /// The description sent to Glue.
    pub fn description_text(&self) -> &str {
        self.description.as_deref().unwrap_or(DEFAULT_DESCRIPTION)
    }

    /// The settings as Glue would report them, for a crawler that holds exactly these.
    #[cfg(test)]
    pub fn as_observed(&self) -> ObservedSettings {
        ObservedSettings {
            description: Some(self.description_text().to_string()),
            classifiers: self.classifiers.clone(),
            lineage: Some(if self.lineage { "ENABLE" } else { "DISABLE" }.into()),
            security_configuration: self.security_configuration.clone(),
            lake_formation: self.lake_formation.clone(),
        }
    }
}

pub fn lineage_enabled(reported: Option<&str>) -> bool {
    reported == Some("ENABLE")
}

/// A Lake Formation configuration with its "not set" spellings made one: absent, and
/// credentials off with no account, are the same.
pub fn normal_lake_formation(l: Option<&LakeFormation>) -> Option<LakeFormation> {
    let l = l?;
    let account_id = l.account_id.clone().filter(|a| !a.is_empty());
    (l.use_credentials || account_id.is_some()).then_some(LakeFormation {
        use_credentials: l.use_credentials,
        account_id,
    })
}

/// An empty security configuration is none.
pub fn normal_name(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty())
}

/// Names of the settings that differ between what is wanted and what Glue holds.
pub fn differences(want: &CrawlerSettings, seen: &ObservedSettings) -> Vec<&'static str> {
    let mut out = Vec::new();
    if seen.description.as_deref().unwrap_or("") != want.description_text() {
        out.push("description");
    }
    if seen.classifiers != want.classifiers {
        out.push("classifiers");
    }
    if lineage_enabled(seen.lineage.as_deref()) != want.lineage {
        out.push("lineage");
    }
    if normal_name(seen.security_configuration.as_deref())
        != normal_name(want.security_configuration.as_deref())
    {
        out.push("security_configuration");
    }
    if normal_lake_formation(seen.lake_formation.as_ref())
        != normal_lake_formation(want.lake_formation.as_ref())
    {
        out.push("lake_formation_configuration");
    }
    out
}

// ---------------------------------------------------------------------------------------
// One-value rules
// ---------------------------------------------------------------------------------------

/// Glue's description pattern: any text but control characters other than tab and line
/// breaks, up to 2048 characters.
pub fn check_description(s: &str) -> Result<(), String> {
    let n = s.chars().count();
    if n > DESCRIPTION_MAX {
        return Err(format!(
            "has {n} characters; Glue allows at most {DESCRIPTION_MAX}"
        ));
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return Err("must not contain control characters other than tabs and line breaks".into());
    }
    Ok(())
}

pub fn check_classifier(s: &str) -> Result<(), String> {
    crate::validate::glue_name(s, crate::model::crawler::GLUE_NAME_MAX)
        .map_err(|e| format!("classifier name {e}"))
}

pub fn check_security_configuration(s: &str) -> Result<(), String> {
    crate::validate::glue_name(s, SECURITY_CONFIGURATION_MAX)
        .map_err(|e| format!("security configuration name {e}"))
}

pub fn check_account_id(s: &str) -> Result<(), String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("{s:?} is not a 12-digit AWS account ID"))
    }
}

pub fn check_sample_size(n: i64) -> Result<(), String> {
    if SAMPLE_SIZE.contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "{n} is out of range: Glue crawls from {} to {} files per leaf folder",
            SAMPLE_SIZE.start(),
            SAMPLE_SIZE.end()
        ))
    }
}

/// An SQS queue ARN: `arn:<partition>:sqs:<region>:<account>:<queue>`.
pub fn check_queue_arn(s: &str) -> Result<(), String> {
    let err = || {
        format!("{s:?} is not an SQS queue ARN such as \"arn:aws:sqs:us-east-1:239083076653:s3-events\"")
    };
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, service, region, account, queue] = parts.as_slice() else {
        return Err(err());
    };
    let queue_ok = !queue.is_empty()
        && queue.len() <= 80
        && queue
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if *arn == "arn"
        && partition.starts_with("aws")
        && *service == "sqs"
        && !region.is_empty()
        && check_account_id(account).is_ok()
        && queue_ok
    {
        Ok(())
    } else {
        Err(err())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_spellings_are_no_difference() {
        let want = CrawlerSettings::default();
        assert!(differences(&want, &want.as_observed()).is_empty());
        // What Glue may answer for a crawler created without any of them.
        let bare = ObservedSettings {
            description: Some(DEFAULT_DESCRIPTION.into()),
            lineage: None,
            security_configuration: Some(String::new()),
            lake_formation: Some(LakeFormation {
                use_credentials: false,
                account_id: Some(String::new()),
            }),
            ..ObservedSettings::default()
        };
        assert!(differences(&want, &bare).is_empty());
    }

    #[test]
    fn each_difference_is_named() {
        let want = CrawlerSettings {
            description: Some("raw input".into()),
            classifiers: vec!["csv-pipe".into(), "json-lines".into()],
            lineage: true,
            security_configuration: Some("glue-sse-kms".into()),
            lake_formation: Some(LakeFormation {
                use_credentials: true,
                account_id: Some("239083076653".into()),
            }),
        };
        assert!(differences(&want, &want.as_observed()).is_empty());
        type Change = Box<dyn Fn(&mut ObservedSettings)>;
        let cases: Vec<(&str, Change)> = vec![
            ("description", Box::new(|o| o.description = None)),
            (
                "description",
                Box::new(|o| o.description = Some(DEFAULT_DESCRIPTION.into())),
            ),
            ("classifiers", Box::new(|o| o.classifiers.reverse())),
            (
                "classifiers",
                Box::new(|o| {
                    o.classifiers.pop();
                }),
            ),
            ("lineage", Box::new(|o| o.lineage = Some("DISABLE".into()))),
            (
                "security_configuration",
                Box::new(|o| o.security_configuration = None),
            ),
            (
                "lake_formation_configuration",
                Box::new(|o| o.lake_formation = None),
            ),
            (
                "lake_formation_configuration",
                Box::new(|o| {
                    o.lake_formation = Some(LakeFormation {
                        use_credentials: true,
                        account_id: None,
                    })
                }),
            ),
        ];
        for (field, change) in cases {
            let mut o = want.as_observed();
            change(&mut o);
            assert_eq!(differences(&want, &o), vec![field], "{o:?}");
        }
    }

    #[test]
    fn rules_table() {
        type Rule = fn(&str) -> Result<(), String>;
        let long = "d".repeat(DESCRIPTION_MAX + 1);
        let bad: Vec<(Rule, &str, &str)> = vec![
            (check_description, &long, "at most 2048"),
            (check_description, "a\u{7}b", "control characters"),
            (check_classifier, "", "classifier name"),
            (check_classifier, "two\nlines", "classifier name"),
            (
                check_security_configuration,
                &long,
                "security configuration name",
            ),
            (check_account_id, "23908307665", "12-digit"),
            (check_account_id, "23908307665x", "12-digit"),
            (
                check_queue_arn,
                "https://sqs.us-east-1.amazonaws.com/1/q",
                "SQS queue ARN",
            ),
            (
                check_queue_arn,
                "arn:aws:sns:us-east-1:239083076653:q",
                "SQS queue ARN",
            ),
            (
                check_queue_arn,
                "arn:aws:sqs:us-east-1:2390830766:q",
                "SQS queue ARN",
            ),
            (
                check_queue_arn,
                "arn:aws:sqs:us-east-1:239083076653:",
                "SQS queue ARN",
            ),
            (
                check_queue_arn,
                "arn:aws:sqs:us-east-1:239083076653:a/b",
                "SQS queue ARN",
            ),
        ];
        for (rule, value, words) in bad {
            let e = rule(value).expect_err(value);
            assert!(e.contains(words), "{value:?}: {e}");
        }
        let good: Vec<(Rule, &str)> = vec![
            (check_description, "Raw input.\nCatalogued nightly."),
            (check_classifier, "csv-pipe"),
            (check_security_configuration, "glue-sse-kms"),
            (check_account_id, "239083076653"),
            (
                check_queue_arn,
                "arn:aws:sqs:us-east-1:239083076653:s3-events",
            ),
            (
                check_queue_arn,
                "arn:aws-cn:sqs:cn-north-1:239083076653:q.fifo",
            ),
        ];
        for (rule, value) in good {
            assert_eq!(rule(value), Ok(()), "{value}");
        }
        assert!(check_sample_size(0).unwrap_err().contains("from 1 to 249"));
        assert!(check_sample_size(250).is_err());
        assert!(check_sample_size(1).is_ok() && check_sample_size(249).is_ok());
    }
}
