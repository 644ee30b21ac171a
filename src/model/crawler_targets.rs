//! A crawler's targets beyond its S3 prefixes (Glue `CrawlerTargets`: catalog tables, JDBC,
//! DynamoDB, MongoDB, Delta, Iceberg and Hudi), how each compares with what GetCrawler
//! reports (Glue's defaults and list orders are no difference), their one-value checks, and
//! the rules across kinds that Glue enforces at CreateCrawler (see [`kind_problems`]).
//! The S3 targets themselves are `crawler::S3Target`.

use std::ops::RangeInclusive;

/// `DynamoDBTarget.scanRate`: the share of the table's read capacity a crawl may use.
pub const SCAN_RATE: RangeInclusive<f64> = 0.1..=1.5;
/// `IcebergTarget` / `HudiTarget` `MaximumTraversalDepth`.
pub const TRAVERSAL_DEPTH: RangeInclusive<i64> = 1..=20;
/// `JdbcTarget.EnableAdditionalMetadata` entries.
pub const JDBC_METADATA: [&str; 2] = ["COMMENTS", "RAWTYPES"];

/// `CatalogTarget`: existing Data Catalog tables to crawl.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CatalogTarget {
    pub database: String,
    pub tables: Vec<String>,
    pub connection_name: Option<String>,
    pub event_queue_arn: Option<String>,
    pub dlq_event_queue_arn: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct JdbcTarget {
    pub connection_name: String,
    pub path: String,
    pub exclusions: Vec<String>,
    pub enable_additional_metadata: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DynamoDbTarget {
    /// The table's name.
    pub path: String,
    /// `None`: Glue's default, every record.
    pub scan_all: Option<bool>,
    /// In thousandths (0.5 is 500), so that targets compare and sort exactly.
    pub scan_rate_milli: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct MongoDbTarget {
    pub connection_name: String,
    /// `database/collection`.
    pub path: String,
    /// `None`: Glue's default, every record.
    pub scan_all: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeltaTarget {
    pub delta_tables: Vec<String>,
    pub connection_name: Option<String>,
    pub write_manifest: bool,
    /// `None`: false.
    pub create_native_delta_table: Option<bool>,
}

/// `IcebergTarget` and `HudiTarget`, which have the same fields.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct TableFormatTarget {
    pub paths: Vec<String>,
    pub connection_name: Option<String>,
    pub exclusions: Vec<String>,
    pub maximum_traversal_depth: i64,
}

/// Every target kind but S3.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OtherTargets {
    pub catalog: Vec<CatalogTarget>,
    pub jdbc: Vec<JdbcTarget>,
    pub dynamodb: Vec<DynamoDbTarget>,
    pub mongodb: Vec<MongoDbTarget>,
    pub delta: Vec<DeltaTarget>,
    pub iceberg: Vec<TableFormatTarget>,
    pub hudi: Vec<TableFormatTarget>,
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn named(s: &Option<String>) -> Option<String> {
    s.clone().filter(|s| !s.is_empty())
}

fn sorted_set<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

impl OtherTargets {
    /// The block names of the kinds present, in schema order.
    #[cfg(test)]
    pub fn kinds(&self) -> Vec<&'static str> {
        [
            ("catalog_target", self.catalog.is_empty()),
            ("jdbc_target", self.jdbc.is_empty()),
            ("dynamodb_target", self.dynamodb.is_empty()),
            ("mongodb_target", self.mongodb.is_empty()),
            ("delta_target", self.delta.is_empty()),
            ("iceberg_target", self.iceberg.is_empty()),
            ("hudi_target", self.hudi.is_empty()),
        ]
        .into_iter()
        .filter(|(_, empty)| !empty)
        .map(|(k, _)| k)
        .collect()
    }

    /// One spelling for each meaning: list fields sorted (their order has no meaning to
    /// Glue), Glue's defaults filled in, empty names made absent, targets sorted.
    pub fn normalized(&self) -> OtherTargets {
        let table_format = |v: &[TableFormatTarget]| {
            sorted_set(
                v.iter()
                    .map(|t| TableFormatTarget {
                        paths: sorted(&t.paths),
                        connection_name: named(&t.connection_name),
                        exclusions: sorted(&t.exclusions),
                        maximum_traversal_depth: t.maximum_traversal_depth,
                    })
                    .collect(),
            )
        };
        OtherTargets {
            catalog: sorted_set(
                self.catalog
                    .iter()
                    .map(|t| CatalogTarget {
                        database: t.database.clone(),
                        tables: sorted(&t.tables),
                        connection_name: named(&t.connection_name),
                        event_queue_arn: named(&t.event_queue_arn),
                        dlq_event_queue_arn: named(&t.dlq_event_queue_arn),
                    })
                    .collect(),
            ),
            jdbc: sorted_set(
                self.jdbc
                    .iter()
                    .map(|t| JdbcTarget {
                        connection_name: t.connection_name.clone(),
                        path: t.path.clone(),
                        exclusions: sorted(&t.exclusions),
                        enable_additional_metadata: sorted(&t.enable_additional_metadata),
                    })
                    .collect(),
            ),
            dynamodb: sorted_set(
                self.dynamodb
                    .iter()
                    .map(|t| DynamoDbTarget {
                        scan_all: Some(t.scan_all.unwrap_or(true)),
                        ..t.clone()
                    })
                    .collect(),
            ),
            mongodb: sorted_set(
                self.mongodb
                    .iter()
                    .map(|t| MongoDbTarget {
                        scan_all: Some(t.scan_all.unwrap_or(true)),
                        ..t.clone()
                    })
                    .collect(),
            ),
            delta: sorted_set(
                self.delta
                    .iter()
                    .map(|t| DeltaTarget {
                        delta_tables: sorted(&t.delta_tables),
                        connection_name: named(&t.connection_name),
                        write_manifest: t.write_manifest,
                        create_native_delta_table: Some(
                            t.create_native_delta_table.unwrap_or(false),
                        ),
                    })
                    .collect(),
            ),
            iceberg: table_format(&self.iceberg),
            hudi: table_format(&self.hudi),
        }
    }
}

/// Whether two sets of targets mean the same to Glue.
pub fn same_other_targets(a: &OtherTargets, b: &OtherTargets) -> bool {
    a.normalized() == b.normalized()
}

// ---------------------------------------------------------------------------------------
// Checks of one value
// ---------------------------------------------------------------------------------------

/// A Glue connection's name.
pub fn check_connection_name(s: &str) -> Result<(), String> {
    crate::validate::glue_name(s, 255).map_err(|e| format!("connection name {e}"))
}

/// A Data Catalog table name in a catalog target.
pub fn check_table_name(s: &str) -> Result<(), String> {
    crate::validate::glue_name(s, 255).map_err(|e| format!("table name {e}"))
}

/// An S3 location of a Delta, Iceberg or Hudi target.
pub fn check_s3_path(s: &str) -> Result<(), String> {
    crate::validate::s3_uri(s, false)
        .map(|_| ())
        .map_err(|e| format!("{e}; write it as s3://bucket/prefix/"))
}

/// A JDBC target's path: `database/schema/table`, `%` for any.
pub fn check_jdbc_path(s: &str) -> Result<(), String> {
    if s.trim().is_empty() || s.chars().any(char::is_control) || s.starts_with('/') {
        Err(format!(
            "{s:?} is not a JDBC include path such as \"database/schema/%\""
        ))
    } else {
        Ok(())
    }
}

/// A DynamoDB table name: 3 to 255 of letters, digits, `_`, `-` and `.`.
pub fn check_dynamodb_table(s: &str) -> Result<(), String> {
    let ok = (3..=255).contains(&s.len())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{s:?} is not a DynamoDB table name: 3 to 255 letters, digits, underscores, hyphens and dots"
        ))
    }
}

/// A MongoDB or DocumentDB target's path: `database/collection`.
pub fn check_mongodb_path(s: &str) -> Result<(), String> {
    match s.split_once('/') {
        Some((db, coll))
            if !db.trim().is_empty()
                && !coll.trim().is_empty()
                && !s.chars().any(char::is_control) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "{s:?} is not a MongoDB path: write it as \"database/collection\""
        )),
    }
}

pub fn check_jdbc_metadata(s: &str) -> Result<(), String> {
    if JDBC_METADATA.contains(&s) {
        Ok(())
    } else {
        Err(format!("{s:?} is not one of {}", JDBC_METADATA.join(", ")))
    }
}

pub fn check_scan_rate(r: f64) -> Result<(), String> {
    if SCAN_RATE.contains(&r) {
        Ok(())
    } else {
        Err(format!(
            "{r} is out of range: Glue takes a scan rate from {} to {} (the share of the table's read capacity units)",
            SCAN_RATE.start(),
            SCAN_RATE.end()
        ))
    }
}

pub fn check_traversal_depth(n: i64) -> Result<(), String> {
    if TRAVERSAL_DEPTH.contains(&n) {
        Ok(())
    } else {
        Err(format!(
            "{n} is out of range: Glue traverses from {} to {} levels of S3 prefixes",
            TRAVERSAL_DEPTH.start(),
            TRAVERSAL_DEPTH.end()
        ))
    }
}

/// A scan rate in thousandths.
pub fn scan_rate_milli(r: f64) -> i64 {
    (r * 1000.0).round() as i64
}

// ---------------------------------------------------------------------------------------
// Rules across kinds
// ---------------------------------------------------------------------------------------

/// The target kinds a crawler has, for the checks across them: `"s3"` for either S3 form,
/// and the block names of the others.
#[derive(Clone, Debug, Default)]
pub struct KindLiterals<'a> {
    /// `None`: not known yet (a `dynamic` block).
    pub kinds: Option<Vec<&'static str>>,
    /// `schema_change_policy.delete_behavior` (`Some(None)`: the resource's default, LOG).
    pub delete_behavior: Option<Option<&'a str>>,
    pub recrawl_behavior: Option<Option<&'a str>>,
}

/// Glue's rules across target kinds, each as (attribute, message):
/// - a crawler has at least one target;
/// - catalog targets are the crawler's only targets, and their crawler logs deletions or
///   deletes tables (DEPRECATE_IN_DATABASE is refused);
/// - incremental crawls (`CRAWL_NEW_FOLDERS_ONLY`) are for S3 targets only, and event mode
///   for S3 and catalog targets.
pub fn kind_problems(lit: &KindLiterals<'_>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let Some(kinds) = &lit.kinds else {
        return out;
    };
    if kinds.is_empty() {
        out.push((
            "s3_targets",
            "a crawler needs at least one target: s3_targets, or an s3_target, catalog_target, jdbc_target, dynamodb_target, mongodb_target, delta_target, iceberg_target or hudi_target block".to_string(),
        ));
        return out;
    }
    let catalog = kinds.contains(&"catalog_target");
    if catalog && kinds.len() > 1 {
        let others: Vec<&str> = kinds
            .iter()
            .copied()
            .filter(|k| *k != "catalog_target")
            .map(|k| if k == "s3" { "S3 targets" } else { k })
            .collect();
        out.push((
            "catalog_target",
            format!(
                "a crawler with catalog targets can have no other kind of target (Glue refuses the mix); move {} into another crawler",
                others.join(", ")
            ),
        ));
    }
    if catalog && lit.delete_behavior == Some(Some("DEPRECATE_IN_DATABASE")) {
        out.push((
            "schema_change_policy",
            "a crawler of catalog targets cannot deprecate tables: set schema_change_policy delete_behavior to \"LOG\" (the default) or \"DELETE_FROM_DATABASE\"".to_string(),
        ));
    }
    let non_s3: Vec<&str> = kinds.iter().copied().filter(|k| *k != "s3").collect();
    match lit.recrawl_behavior {
        Some(Some("CRAWL_NEW_FOLDERS_ONLY")) if !non_s3.is_empty() => out.push((
            "recrawl_policy",
            format!(
                "CRAWL_NEW_FOLDERS_ONLY crawls S3 targets only; this crawler also has {}",
                non_s3.join(", ")
            ),
        )),
        Some(Some("CRAWL_EVENT_MODE")) => {
            let other: Vec<&str> = non_s3
                .iter()
                .copied()
                .filter(|k| *k != "catalog_target")
                .collect();
            if !other.is_empty() {
                out.push((
                    "recrawl_policy",
                    format!(
                        "CRAWL_EVENT_MODE crawls S3 and catalog targets only; this crawler also has {}",
                        other.join(", ")
                    ),
                ));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn all() -> OtherTargets {
        OtherTargets {
            catalog: vec![CatalogTarget {
                database: "db".into(),
                tables: s(&["b", "a"]),
                ..Default::default()
            }],
            jdbc: vec![JdbcTarget {
                connection_name: "pg".into(),
                path: "db/public/%".into(),
                exclusions: s(&["y", "x"]),
                enable_additional_metadata: s(&["RAWTYPES", "COMMENTS"]),
            }],
            dynamodb: vec![DynamoDbTarget {
                path: "orders".into(),
                scan_all: None,
                scan_rate_milli: Some(500),
            }],
            mongodb: vec![MongoDbTarget {
                connection_name: "mongo".into(),
                path: "db/coll".into(),
                scan_all: None,
            }],
            delta: vec![DeltaTarget {
                delta_tables: s(&["s3://b/d2/", "s3://b/d1/"]),
                connection_name: None,
                write_manifest: true,
                create_native_delta_table: None,
            }],
            iceberg: vec![TableFormatTarget {
                paths: s(&["s3://b/i/"]),
                connection_name: Some(String::new()),
                exclusions: vec![],
                maximum_traversal_depth: 5,
            }],
            hudi: vec![TableFormatTarget {
                paths: s(&["s3://b/h/"]),
                maximum_traversal_depth: 20,
                ..Default::default()
            }],
        }
    }

    #[test]
    fn glue_defaults_and_orders_are_no_difference() {
        let a = all();
        let mut b = all();
        b.catalog[0].tables.reverse();
        b.jdbc[0].exclusions.reverse();
        b.jdbc[0].enable_additional_metadata.reverse();
        b.dynamodb[0].scan_all = Some(true);
        b.mongodb[0].scan_all = Some(true);
        b.delta[0].delta_tables.reverse();
        b.delta[0].create_native_delta_table = Some(false);
        b.iceberg[0].connection_name = None;
        assert!(same_other_targets(&a, &b));
        b.jdbc.push(b.jdbc[0].clone());
        b.jdbc[1].path = "db/other/%".into();
        let mut c = a.clone();
        c.jdbc.insert(0, b.jdbc[1].clone());
        assert!(same_other_targets(&b, &c), "target order is no difference");
    }

    #[test]
    fn each_field_difference_counts() {
        type Change = Box<dyn Fn(&mut OtherTargets)>;
        let cases: Vec<Change> = vec![
            Box::new(|o| o.catalog[0].tables.pop().map(|_| ()).unwrap_or(())),
            Box::new(|o| o.catalog[0].event_queue_arn = Some("arn:aws:sqs:us-east-1:1:q".into())),
            Box::new(|o| o.jdbc[0].enable_additional_metadata.clear()),
            Box::new(|o| o.jdbc[0].connection_name = "other".into()),
            Box::new(|o| o.dynamodb[0].scan_all = Some(false)),
            Box::new(|o| o.dynamodb[0].scan_rate_milli = None),
            Box::new(|o| o.mongodb[0].scan_all = Some(false)),
            Box::new(|o| o.delta[0].write_manifest = false),
            Box::new(|o| o.delta[0].create_native_delta_table = Some(true)),
            Box::new(|o| o.iceberg[0].maximum_traversal_depth = 6),
            Box::new(|o| o.hudi[0].connection_name = Some("c".into())),
            Box::new(|o| o.hudi.clear()),
        ];
        for (i, change) in cases.into_iter().enumerate() {
            let mut b = all();
            change(&mut b);
            assert!(!same_other_targets(&all(), &b), "case {i}: {b:?}");
        }
    }

    #[test]
    fn kinds_are_named_in_schema_order() {
        assert_eq!(
            all().kinds(),
            vec![
                "catalog_target",
                "jdbc_target",
                "dynamodb_target",
                "mongodb_target",
                "delta_target",
                "iceberg_target",
                "hudi_target"
            ]
        );
        assert!(OtherTargets::default().kinds().is_empty());
    }

    #[test]
    fn rules_across_kinds() {
        let lit = |kinds: &[&'static str],
                   delete: Option<&'static str>,
                   recrawl: Option<&'static str>| {
            KindLiterals {
                kinds: Some(kinds.to_vec()),
                delete_behavior: Some(delete),
                recrawl_behavior: Some(recrawl),
            }
        };
        let attrs = |l: KindLiterals<'_>| -> Vec<&'static str> {
            kind_problems(&l).into_iter().map(|(a, _)| a).collect()
        };
        assert!(attrs(lit(&["s3"], None, None)).is_empty());
        assert!(attrs(lit(&["s3", "jdbc_target", "delta_target"], None, None)).is_empty());
        assert!(attrs(lit(
            &["catalog_target"],
            Some("LOG"),
            Some("CRAWL_EVENT_MODE")
        ))
        .is_empty());
        assert!(
            attrs(KindLiterals::default()).is_empty(),
            "unknown kinds are not checked"
        );
        assert_eq!(attrs(lit(&[], None, None)), vec!["s3_targets"]);
        let mixed = kind_problems(&lit(&["s3", "catalog_target"], None, None));
        assert_eq!(mixed.len(), 1);
        assert_eq!(mixed[0].0, "catalog_target");
        assert!(mixed[0].1.contains("S3 targets"), "{}", mixed[0].1);
        assert_eq!(
            attrs(lit(
                &["catalog_target"],
                Some("DEPRECATE_IN_DATABASE"),
                None
            )),
            vec!["schema_change_policy"]
        );
        assert_eq!(
            attrs(lit(
                &["s3", "jdbc_target"],
                None,
                Some("CRAWL_NEW_FOLDERS_ONLY")
            )),
            vec!["recrawl_policy"]
        );
        assert_eq!(
            attrs(lit(&["dynamodb_target"], None, Some("CRAWL_EVENT_MODE"))),
            vec!["recrawl_policy"]
        );
    }

    #[test]
    fn single_value_rules_table() {
        type Rule = fn(&str) -> Result<(), String>;
        let bad: Vec<(Rule, &str, &str)> = vec![
            (check_connection_name, "", "characters"),
            (check_table_name, " t", "whitespace"),
            (check_s3_path, "https://b/k", "s3://bucket/prefix/"),
            (check_jdbc_path, " ", "JDBC include path"),
            (check_jdbc_path, "/db/%", "JDBC include path"),
            (check_dynamodb_table, "ab", "DynamoDB table name"),
            (check_dynamodb_table, "a b c", "DynamoDB table name"),
            (check_mongodb_path, "db", "database/collection"),
            (check_mongodb_path, "db/", "database/collection"),
            (check_jdbc_metadata, "EVERYTHING", "COMMENTS, RAWTYPES"),
        ];
        for (rule, v, words) in bad {
            let e = rule(v).expect_err(v);
            assert!(e.contains(words), "{v:?}: {e}");
        }
        let ok: Vec<(Rule, &str)> = vec![
            (check_connection_name, "pg-prod"),
            (check_table_name, "orders"),
            (check_s3_path, "s3://bucket-a/delta/orders/"),
            (check_jdbc_path, "sales/public/%"),
            (check_dynamodb_table, "orders.v2"),
            (check_mongodb_path, "shop/orders"),
            (check_jdbc_metadata, "RAWTYPES"),
        ];
        for (rule, v) in ok {
            assert_eq!(rule(v), Ok(()), "{v}");
        }
        assert!(check_scan_rate(0.05).is_err());
        assert!(check_scan_rate(1.6).is_err());
        assert!(check_scan_rate(1.5).is_ok());
        assert!(check_traversal_depth(0).is_err());
        assert!(check_traversal_depth(21).is_err());
        assert!(check_traversal_depth(20).is_ok());
        assert_eq!(scan_rate_milli(0.5), 500);
        assert_eq!(scan_rate_milli(0.1), 100);
    }
}
