//! Known AWS regions and their partitions, so a mistyped region fails at `validate`
//! instead of as a DNS error at apply time. `skip_region_validation` bypasses the list
//! for regions newer than this table.

/// (partition, regions). Partition order matters only for `partition_of` fallbacks.
const PARTITIONS: &[(&str, &[&str])] = &[
    (
        "aws",
        &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
    ),
    ("aws-cn", &["cn-north-1", "cn-northwest-1"]),
    ("aws-us-gov", &["us-gov-east-1", "us-gov-west-1"]),
    ("aws-iso", &["us-iso-east-1", "us-iso-west-1"]),
    ("aws-iso-b", &["us-isob-east-1"]),
    ("aws-iso-e", &["eu-isoe-west-1"]),
    ("aws-iso-f", &["us-isof-south-1", "us-isof-east-1"]),
    ("aws-eusc", &["eusc-de-east-1"]),
];

/// True when the region is in the table.
pub fn is_known(region: &str) -> bool {
    PARTITIONS.iter().any(|(_, rs)| rs.contains(&region))
}

/// The partition a region belongs to. Unknown regions are classified by prefix, as AWS's
/// endpoint rules do, so a brand-new commercial region still yields `aws`.
pub fn partition_of(region: &str) -> &'static str {
    if let Some((p, _)) = PARTITIONS.iter().find(|(_, rs)| rs.contains(&region)) {
        return p;
    }
    let prefixes = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-iso-", "aws-iso"),
        ("eusc-", "aws-eusc"),
    ];
    prefixes
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map(|(_, p)| *p)
        .unwrap_or("aws")
}

/// Region syntax: lowercase words separated by dashes, ending in a number (`us-east-1`).
pub fn is_well_formed(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions() {
        assert_eq!(partition_of("us-east-1"), "aws");
        assert_eq!(partition_of("cn-north-1"), "aws-cn");
        assert_eq!(partition_of("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition_of("zz-new-9"), "aws");
        assert_eq!(partition_of("cn-south-7"), "aws-cn");
    }

    #[test]
    fn known_and_well_formed() {
        assert!(is_known("eu-west-1"));
        assert!(!is_known("mars-north-1"));
        assert!(is_well_formed("mars-north-1"));
        assert!(is_well_formed("us-gov-west-1"));
        for bad in ["", "us-east", "US-EAST-1", "us-east-1a", "us--1", "useast1"] {
            assert!(!is_well_formed(bad), "{bad}");
        }
    }
}
