//! Tag merging, in one place so every object gets the same tags for the same inputs.
//!
//! Precedence, lowest first: provider `default_tags`, the pipeline context's `tags`, the
//! resource's `tags`, then the ownership tags, which the provider always sets.

use std::collections::BTreeMap;

pub const MANAGED_BY_KEY: &str = "flywheel:managed-by";
pub const MANAGED_BY_VALUE: &str = "terraform-provider-flywheel";

pub type Tags = BTreeMap<String, String>;

pub fn effective(default_tags: &Tags, context_tags: &Tags, resource_tags: &Tags) -> Tags {
    let mut out = Tags::new();
    for layer in [default_tags, context_tags, resource_tags] {
        out.extend(layer.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    out.insert(MANAGED_BY_KEY.into(), MANAGED_BY_VALUE.into());
    out
}

/// What to change on an object that has the tags `have` so that it has exactly `want`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagDelta {
    /// Keys to remove (UntagResource).
    pub remove: Vec<String>,
    /// Keys to add or change (TagResource).
    pub add: Tags,
}

impl TagDelta {
    pub fn is_empty(&self) -> bool {
        self.remove.is_empty() && self.add.is_empty()
    }
}

pub fn delta(have: &Tags, want: &Tags) -> TagDelta {
    TagDelta {
        remove: have
            .keys()
            .filter(|k| !want.contains_key(*k))
            .cloned()
            .collect(),
        add: want
            .iter()
            .filter(|(k, v)| have.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

/// AWS takes at most 50 tags on an S3 bucket, a Glue object or an IAM role; the provider
/// adds up to four of its own (`flywheel:managed-by`, `flywheel:owner`,
/// `flywheel:pipeline-owner`, `flywheel:pipeline`), which leaves this many for the user.
pub const MAX_USER_TAGS: usize = 46;

/// Too many tags for AWS once the provider's own are added, as a message.
pub fn count_problem(tags: &Tags) -> Option<String> {
    (tags.len() > MAX_USER_TAGS).then(|| {
        format!(
            "{} tags given; AWS allows 50 tags on an object and the provider adds up to 4 of its own, so set at most {MAX_USER_TAGS} tags",
            tags.len()
        )
    })
}

/// Validates user tag keys and values; returns (key, message) for each problem.
pub fn problems(tags: &Tags) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            out.push((
                k.clone(),
                format!("tag key {k:?} must be 1 to 128 characters"),
            ));
        } else if k.to_ascii_lowercase().starts_with("aws:") {
            out.push((
                k.clone(),
                format!("tag key {k:?} uses the reserved prefix \"aws:\""),
            ));
        } else if k.starts_with("flywheel:") {
            out.push((k.clone(), format!("tag key {k:?} uses the prefix \"flywheel:\", which the provider reserves for its ownership tags")));
        }
        if v.chars().count() > 256 {
            out.push((
                k.clone(),
                format!("tag {k:?} has a value longer than 256 characters"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn precedence_and_ownership() {
        let got = effective(
            &t(&[("team", "platform"), ("env", "dev")]),
            &t(&[("env", "prod"), ("flywheel:pipeline", "omc-flywheel")]),
            &t(&[("team", "data")]),
        );
        assert_eq!(
            got,
            t(&[
                ("env", "prod"),
                ("flywheel:pipeline", "omc-flywheel"),
                (MANAGED_BY_KEY, MANAGED_BY_VALUE),
                ("team", "data"),
            ])
        );
    }

    #[test]
    fn deltas() {
        let d = delta(&t(&[("a", "1"), ("b", "2")]), &t(&[("b", "3"), ("c", "4")]));
        assert_eq!(d.remove, vec!["a".to_string()]);
        assert_eq!(d.add, t(&[("b", "3"), ("c", "4")]));
        assert!(delta(&t(&[("a", "1")]), &t(&[("a", "1")])).is_empty());
    }

    #[test]
    fn at_most_46_user_tags() {
        let n = |count: usize| {
            (0..count)
                .map(|i| (format!("k{i}"), "v".to_string()))
                .collect()
        };
        assert_eq!(count_problem(&n(MAX_USER_TAGS)), None);
        let msg = count_problem(&n(MAX_USER_TAGS + 1)).expect("47 tags are too many");
        assert!(msg.contains("at most 46 tags"), "{msg}");
    }

    #[test]
    fn reserved_and_oversized_keys() {
        let long = "x".repeat(129);
        let p = problems(&t(&[
            ("aws:x", "1"),
            ("flywheel:pipeline", "p"),
            (&long, "v"),
            ("ok", "v"),
        ]));
        assert_eq!(p.len(), 3, "{p:?}");
    }
}
