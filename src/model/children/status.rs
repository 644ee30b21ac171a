//! How an observed child stands against the desired one: its [`Status`], one kind of
//! child at a time in [`compare`], and the statuses of a whole expansion.

use super::*;

/// How an observed child stands against the desired one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Ok,
    Missing,
    /// It exists but differs; the text says how.
    Differs(String),
    /// It exists but the configuration no longer wants it.
    Extra,
}

impl Status {
    pub fn text(&self) -> String {
        match self {
            Status::Ok => STATUS_OK.into(),
            Status::Missing => STATUS_MISSING.into(),
            Status::Differs(why) => format!("differs: {why}"),
            Status::Extra => "not in the configuration".into(),
        }
    }
}

pub fn tag_diff(want: &Tags, have: &Tags) -> Option<String> {
    let mut parts = Vec::new();
    for (k, v) in want {
        match have.get(k) {
            None => parts.push(format!("tag {k} missing")),
            Some(h) if h != v => parts.push(format!("tag {k} is {h:?}, want {v:?}")),
            _ => {}
        }
    }
    for k in have.keys().filter(|k| !want.contains_key(*k)) {
        parts.push(format!("extra tag {k}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// How the observed bucket policy statements `have` differ from the wanted `want` (both
/// normalised, in any order): the wanted ones missing or changed, and the others (which
/// the observation holds only where the whole policy is compared: created buckets).
fn policy_diff(want: &[Value], have: &[Value]) -> Option<String> {
    let sid = |s: &Value| {
        s.get("Sid")
            .and_then(Value::as_str)
            .map(|x| format!("{x:?}"))
            .unwrap_or_else(|| "(no Sid)".into())
    };
    let missing: Vec<String> = want.iter().filter(|s| !have.contains(s)).map(sid).collect();
    // A changed statement of ours is named once, as changed.
    let extra: Vec<String> = have
        .iter()
        .filter(|s| !want.contains(s))
        .map(sid)
        .filter(|s| !missing.contains(s))
        .collect();
    let mut parts = Vec::new();
    if !missing.is_empty() {
        parts.push(format!(
            "statements missing or changed: {}",
            missing.join(", ")
        ));
    }
    if !extra.is_empty() {
        parts.push(format!("unexpected statements: {}", extra.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Compares one child; `observed` is `None` when it does not exist.
pub fn compare(want: &Spec, observed: Option<&Spec>) -> Status {
    let Some(have) = observed else {
        return Status::Missing;
    };
    let why = match (want, have) {
        (Spec::Bucket { tags: w, .. }, Spec::Bucket { tags: h, .. }) => tag_diff(w, h),
        (
            Spec::Encryption {
                sse: ws,
                kms_key_arn: wk,
            },
            Spec::Encryption {
                sse: hs,
                kms_key_arn: hk,
            },
        ) => {
            let key = |k: &Option<String>| match k {
                Some(k) => format!("KMS key {k}"),
                None => "the AWS managed key aws/s3".to_string(),
            };
            if ws != hs {
                Some(match (hs.as_str(), ws.as_str()) {
                    (SSE_S3, _) => format!("encryption is {hs}, want {ws} with {}", key(wk)),
                    (_, SSE_S3) => format!("encryption is {hs} with {}, want {ws}", key(hk)),
                    _ => format!(
                        "encryption is {hs} with {}, want {ws} with {}",
                        key(hk),
                        key(wk)
                    ),
                })
            } else if ws != SSE_S3 && wk != hk {
                Some(format!("{ws} uses {}, want {}", key(hk), key(wk)))
            } else {
                None
            }
        }
        (Spec::EncryptionKept, Spec::Encryption { sse, .. }) => {
            (!SSE_ALGORITHMS.contains(&sse.as_str())).then(|| {
                format!(
                    "encryption is {sse}, want one of {}",
                    SSE_ALGORITHMS.join(", ")
                )
            })
        }
        (
            Spec::OwnershipControls {
                object_ownership: w,
            },
            Spec::OwnershipControls {
                object_ownership: h,
            },
        ) => (w != h).then(|| format!("object ownership is {h}, want {w}")),
        (Spec::PublicAccessBlock { flags: w }, Spec::PublicAccessBlock { flags: h }) => {
            const NAMES: [&str; 4] = [
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            ];
            let off: Vec<&str> = (0..4)
                .filter(|i| w[*i] != h[*i])
                .map(|i| NAMES[i])
                .collect();
            (!off.is_empty()).then(|| format!("{} not as wanted (all on)", off.join(", ")))
        }
        (Spec::BucketPolicy { statements: w }, Spec::BucketPolicy { statements: h }) => {
            policy_diff(w, h)
        }
        (Spec::Lifecycle { rules: w }, Spec::Lifecycle { rules: h }) => {
            let missing: Vec<&str> = w
                .iter()
                .filter(|r| !h.contains(r))
                .map(|r| r.id.as_str())
                .collect();
            let extra: Vec<&str> = h
                .iter()
                .filter(|r| !w.contains(r))
                .map(|r| r.id.as_str())
                .collect();
            match (missing.is_empty(), extra.is_empty()) {
                (true, true) => None,
                _ => Some(format!(
                    "lifecycle rules missing or changed: [{}]; unexpected: [{}]",
                    missing.join(", "),
                    extra.join(", ")
                )),
            }
        }
        (
            Spec::Database {
                description: wd,
                tags: wt,
            },
            Spec::Database {
                description: hd,
                tags: ht,
            },
        ) => {
            if wd != hd {
                Some(format!("description is {hd:?}, want {wd:?}"))
            } else {
                tag_diff(wt, ht)
            }
        }
        (
            Spec::Role {
                trust_policy: wp,
                path: wpath,
                permissions_boundary: wb,
                tags: wt,
            },
            Spec::Role {
                trust_policy: hp,
                path: hpath,
                permissions_boundary: hb,
                tags: ht,
            },
        ) => {
            let mut parts = Vec::new();
            if wpath != hpath {
                parts.push(format!(
                    "path is {hpath:?}, want {wpath:?} (IAM cannot move a role to another path)"
                ));
            }
            if wp != hp {
                parts.push(policy::trust_difference(wp, hp));
            }
            if wb != hb {
                let show = |b: &Option<String>| b.clone().unwrap_or_else(|| "none".into());
                parts.push(format!(
                    "permissions boundary is {}, want {}",
                    show(hb),
                    show(wb)
                ));
            }
            parts.extend(tag_diff(wt, ht));
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        // Compared in canonical form: a user's document is kept (and written) as written.
        (Spec::RolePolicy { document: w }, Spec::RolePolicy { document: h }) => {
            (crate::model::policy::normalize(w) != crate::model::policy::normalize(h))
                .then(|| "the policy document was changed".to_string())
        }
        (Spec::Attachment, Spec::Attachment) => None,
        // Jobs
        (Spec::GlueJob { job: w, tags: wt }, Spec::ObservedGlueJob { job: h, tags: ht }) => {
            if !h.unmanaged.is_empty() {
                let fields: Vec<&str> = h.unmanaged.keys().map(String::as_str).collect();
                Some(format!(
                    "the job holds settings this provider does not manage ({}), which an update removes",
                    fields.join(", ")
                ))
            } else if !h.matches(w) {
                Some("the job definition differs".into())
            } else {
                tag_diff(wt, ht)
            }
        }
        (Spec::JobTrigger { trigger: w }, Spec::ObservedJobTrigger { trigger: h, tags }) => {
            if !h.matches(w) {
                Some("the trigger's schedule or action differs".into())
            } else {
                tag_diff(&w.tags, tags)
            }
        }
        (
            Spec::JobScript {
                sha256: w,
                tags: wt,
            },
            Spec::JobScript {
                sha256: h,
                tags: ht,
            },
        ) => {
            if w != h {
                Some(format!("content SHA-256 is {h:?}, want {w:?}"))
            } else {
                tag_diff(wt, ht)
            }
        }
        // Crawlers: equivalent spellings (configuration JSON, schedules, target order) are
        // no difference (`model::crawler::differences`).
        (Spec::Crawler(w), Spec::SeenCrawler { crawler: h, tags }) => {
            let off = crawler::differences(w, h);
            if off.is_empty() {
                tag_diff(&w.tags, tags)
            } else {
                Some(off.join(", "))
            }
        }
        (Spec::CrawlerTrigger(w), Spec::SeenCrawlerTrigger { trigger: h, tags }) => {
            if h.matches(w) {
                tag_diff(&w.tags, tags)
            } else {
                Some("its start, action or state".into())
            }
        }
        // Alerts
        (Spec::SnsTopic { tags: w, .. }, Spec::SnsTopic { tags: h, .. }) => tag_diff(w, h),
        (Spec::TopicPolicy { statements: w }, Spec::TopicPolicy { statements: h }) => {
            policy_diff(w, h)
        }
        (Spec::Subscription { .. }, Spec::Subscription { .. }) => None,
        (
            Spec::EventRule {
                pattern: wp,
                description: wd,
                enabled: we,
                tags: wt,
            },
            Spec::EventRule {
                pattern: hp,
                description: hd,
                enabled: he,
                tags: ht,
            },
        ) => {
            let mut parts = Vec::new();
            if wp != hp {
                parts.push("event pattern changed".to_string());
            }
            if we != he {
                parts.push(if *he { "enabled" } else { "disabled" }.to_string());
            }
            if wd != hd {
                parts.push(format!("description is {hd:?}"));
            }
            parts.extend(tag_diff(wt, ht));
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        (
            Spec::EventTarget {
                arn: wa,
                input_paths: wp,
                input_template: wt,
            },
            Spec::EventTarget {
                arn: ha,
                input_paths: hp,
                input_template: ht,
            },
        ) => {
            if wa != ha {
                Some(format!("target is {ha:?}, want {wa:?}"))
            } else if wp != hp || wt != ht {
                Some("input transformer changed".into())
            } else {
                None
            }
        }
        (Spec::MetricAlarm(w), Spec::MetricAlarm(h)) => alarm::differences(w, h),
        (Spec::Budget(w), Spec::Budget(h)) => budget::differences(w, h),
        (Spec::Dashboard(w), Spec::Dashboard(h)) => dashboard::differences(w, h),
        _ => Some("of a different kind".into()),
    };
    match why {
        None => Status::Ok,
        Some(w) => Status::Differs(w),
    }
}

/// The status of every desired child, and of extra observed ones (a role's attachments
/// and inline policies the configuration does not name).
pub fn statuses(
    children: &[Child],
    observed: &BTreeMap<ChildKey, Spec>,
) -> BTreeMap<ChildKey, Status> {
    let mut out: BTreeMap<ChildKey, Status> = children
        .iter()
        .map(|c| (c.key.clone(), compare(&c.spec, observed.get(&c.key))))
        .collect();
    for k in observed.keys() {
        if !out.contains_key(k) {
            out.insert(k.clone(), Status::Extra);
        }
    }
    out
}
