//! The target blocks of `flywheel_crawler` (`s3_target`, `catalog_target`, `jdbc_target`,
//! `dynamodb_target`, `mongodb_target`, `delta_target`, `iceberg_target`, `hudi_target`):
//! their state types, Glue's defaults filled at plan (so that a value written explicitly
//! and one left out plan alike, and an import plans no change), the model's targets from
//! them, and Glue's answer read back into them keeping the prior spelling of the same set.

use serde::{Deserialize, Serialize};
use tf_provider::value::Value;

use super::state::{known_list, to_list, StringList};
use crate::model::crawler::S3Target;
use crate::model::crawler_targets::{
    self as targets, CatalogTarget, DeltaTarget, DynamoDbTarget, JdbcTarget, MongoDbTarget,
    OtherTargets, TableFormatTarget,
};
use crate::values::Number;

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct S3TargetBlock {
    #[serde(default)]
    pub path: Value<String>,
    #[serde(default)]
    pub exclusions: Value<StringList>,
    #[serde(default)]
    pub connection_name: Value<String>,
    #[serde(default)]
    pub sample_size: Value<Number>,
    #[serde(default)]
    pub event_queue_arn: Value<String>,
    #[serde(default)]
    pub dlq_event_queue_arn: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct CatalogTargetBlock {
    #[serde(default)]
    pub database_name: Value<String>,
    #[serde(default)]
    pub tables: Value<StringList>,
    #[serde(default)]
    pub connection_name: Value<String>,
    #[serde(default)]
    pub event_queue_arn: Value<String>,
    #[serde(default)]
    pub dlq_event_queue_arn: Value<String>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct JdbcTargetBlock {
    #[serde(default)]
    pub connection_name: Value<String>,
    #[serde(default)]
    pub path: Value<String>,
    #[serde(default)]
    pub exclusions: Value<StringList>,
    #[serde(default)]
    pub enable_additional_metadata: Value<StringList>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct DynamoDbTargetBlock {
    #[serde(default)]
    pub path: Value<String>,
    #[serde(default)]
    pub scan_all: Value<bool>,
    #[serde(default)]
    pub scan_rate: Value<Number>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct MongoDbTargetBlock {
    #[serde(default)]
    pub connection_name: Value<String>,
    #[serde(default)]
    pub path: Value<String>,
    #[serde(default)]
    pub scan_all: Value<bool>,
}

#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct DeltaTargetBlock {
    #[serde(default)]
    pub delta_tables: Value<StringList>,
    #[serde(default)]
    pub connection_name: Value<String>,
    #[serde(default)]
    pub write_manifest: Value<bool>,
    #[serde(default)]
    pub create_native_delta_table: Value<bool>,
}

/// `iceberg_target` and `hudi_target`.
#[derive(Serialize, Deserialize, Debug, Default, Clone, PartialEq)]
pub struct TableFormatBlock {
    #[serde(default)]
    pub paths: Value<StringList>,
    #[serde(default)]
    pub connection_name: Value<String>,
    #[serde(default)]
    pub exclusions: Value<StringList>,
    #[serde(default)]
    pub maximum_traversal_depth: Value<Number>,
}

pub(super) type Blocks<T> = Value<Vec<T>>;

/// The target blocks of a state, as one value for plan and read.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct TargetBlocks {
    pub s3: Blocks<S3TargetBlock>,
    pub catalog: Blocks<CatalogTargetBlock>,
    pub jdbc: Blocks<JdbcTargetBlock>,
    pub dynamodb: Blocks<DynamoDbTargetBlock>,
    pub mongodb: Blocks<MongoDbTargetBlock>,
    pub delta: Blocks<DeltaTargetBlock>,
    pub iceberg: Blocks<TableFormatBlock>,
    pub hudi: Blocks<TableFormatBlock>,
}

// ---------------------------------------------------------------------------------------
// Defaults at plan
// ---------------------------------------------------------------------------------------

fn or_empty(v: &mut Value<StringList>) {
    if v.is_null() {
        *v = Value::Value(Vec::new());
    }
}

fn or_bool(v: &mut Value<bool>, d: bool) {
    if v.is_null() {
        *v = Value::Value(d);
    }
}

fn each<T>(blocks: &mut Blocks<T>, f: impl Fn(&mut T)) {
    if let Value::Value(l) = blocks {
        l.iter_mut().for_each(f);
    }
}

/// Glue's defaults where the configuration leaves a value out: no exclusions or extra
/// JDBC metadata, DynamoDB and MongoDB scanning every record, no native Delta table.
/// Read fills the same, so an explicit default and an omitted one plan alike.
pub(super) fn fill_defaults(t: &mut TargetBlocks) {
    each(&mut t.s3, |b| or_empty(&mut b.exclusions));
    each(&mut t.jdbc, |b| {
        or_empty(&mut b.exclusions);
        or_empty(&mut b.enable_additional_metadata);
    });
    each(&mut t.dynamodb, |b| or_bool(&mut b.scan_all, true));
    each(&mut t.mongodb, |b| or_bool(&mut b.scan_all, true));
    each(&mut t.delta, |b| {
        or_bool(&mut b.create_native_delta_table, false)
    });
    each(&mut t.iceberg, |b| or_empty(&mut b.exclusions));
    each(&mut t.hudi, |b| or_empty(&mut b.exclusions));
}

// ---------------------------------------------------------------------------------------
// Blocks to the model (every value known)
// ---------------------------------------------------------------------------------------

fn s(v: &Value<String>) -> Option<String> {
    match v {
        Value::Unknown => None,
        v => Some(v.as_ref_option().cloned().unwrap_or_default()),
    }
}

/// `Some(None)` null, `None` unknown.
fn opt(v: &Value<String>) -> Option<Option<String>> {
    match v {
        Value::Unknown => None,
        v => Some(v.as_ref_option().cloned().filter(|s| !s.is_empty())),
    }
}

fn opt_bool(v: &Value<bool>) -> Option<Option<bool>> {
    match v {
        Value::Unknown => None,
        v => Some(v.as_ref_option().copied()),
    }
}

fn opt_number(v: &Value<Number>) -> Option<Option<f64>> {
    match v {
        Value::Unknown => None,
        v => Some(v.as_ref_option().map(|n| n.0)),
    }
}

fn all<T, M>(blocks: &Blocks<T>, f: impl Fn(&T) -> Option<M>) -> Option<Vec<M>> {
    match blocks {
        Value::Value(l) => l.iter().map(f).collect(),
        Value::Null => Some(Vec::new()),
        Value::Unknown => None,
    }
}

pub(super) fn s3_model(b: &S3TargetBlock) -> Option<S3Target> {
    Some(S3Target {
        path: s(&b.path)?,
        exclusions: known_list(&b.exclusions)?,
        connection_name: opt(&b.connection_name)?,
        sample_size: opt_number(&b.sample_size)?.map(|n| n as i64),
        event_queue_arn: opt(&b.event_queue_arn)?,
        dlq_event_queue_arn: opt(&b.dlq_event_queue_arn)?,
    })
}

fn table_format_model(b: &TableFormatBlock) -> Option<TableFormatTarget> {
    Some(TableFormatTarget {
        paths: known_list(&b.paths)?,
        connection_name: opt(&b.connection_name)?,
        exclusions: known_list(&b.exclusions)?,
        maximum_traversal_depth: opt_number(&b.maximum_traversal_depth)?.unwrap_or_default() as i64,
    })
}

impl TargetBlocks {
    /// The S3 blocks in model form; `None` while any value is unknown.
    pub fn s3_model(&self) -> Option<Vec<S3Target>> {
        all(&self.s3, s3_model)
    }

    /// The other kinds in model form; `None` while any value is unknown.
    pub fn other_model(&self) -> Option<OtherTargets> {
        Some(OtherTargets {
            catalog: all(&self.catalog, |b| {
                Some(CatalogTarget {
                    database: s(&b.database_name)?,
                    tables: known_list(&b.tables)?,
                    connection_name: opt(&b.connection_name)?,
                    event_queue_arn: opt(&b.event_queue_arn)?,
                    dlq_event_queue_arn: opt(&b.dlq_event_queue_arn)?,
                })
            })?,
            jdbc: all(&self.jdbc, |b| {
                Some(JdbcTarget {
                    connection_name: s(&b.connection_name)?,
                    path: s(&b.path)?,
                    exclusions: known_list(&b.exclusions)?,
                    enable_additional_metadata: known_list(&b.enable_additional_metadata)?,
                })
            })?,
            dynamodb: all(&self.dynamodb, |b| {
                Some(DynamoDbTarget {
                    path: s(&b.path)?,
                    scan_all: opt_bool(&b.scan_all)?,
                    scan_rate_milli: opt_number(&b.scan_rate)?.map(targets::scan_rate_milli),
                })
            })?,
            mongodb: all(&self.mongodb, |b| {
                Some(MongoDbTarget {
                    connection_name: s(&b.connection_name)?,
                    path: s(&b.path)?,
                    scan_all: opt_bool(&b.scan_all)?,
                })
            })?,
            delta: all(&self.delta, |b| {
                Some(DeltaTarget {
                    delta_tables: known_list(&b.delta_tables)?,
                    connection_name: opt(&b.connection_name)?,
                    write_manifest: opt_bool(&b.write_manifest)?.unwrap_or(false),
                    create_native_delta_table: opt_bool(&b.create_native_delta_table)?,
                })
            })?,
            iceberg: all(&self.iceberg, table_format_model)?,
            hudi: all(&self.hudi, table_format_model)?,
        })
    }

    /// How many blocks of each kind, `None` for a kind whose list is unknown.
    pub fn counts(&self) -> [(&'static str, Option<usize>); 8] {
        fn n<T>(b: &Blocks<T>) -> Option<usize> {
            match b {
                Value::Value(l) => Some(l.len()),
                Value::Null => Some(0),
                Value::Unknown => None,
            }
        }
        [
            ("s3_target", n(&self.s3)),
            ("catalog_target", n(&self.catalog)),
            ("jdbc_target", n(&self.jdbc)),
            ("dynamodb_target", n(&self.dynamodb)),
            ("mongodb_target", n(&self.mongodb)),
            ("delta_target", n(&self.delta)),
            ("iceberg_target", n(&self.iceberg)),
            ("hudi_target", n(&self.hudi)),
        ]
    }
}

// ---------------------------------------------------------------------------------------
// Glue's answer into blocks
// ---------------------------------------------------------------------------------------

fn text(v: &Option<String>) -> Value<String> {
    v.clone().filter(|s| !s.is_empty()).into()
}

pub(super) fn s3_block(t: &S3Target) -> S3TargetBlock {
    S3TargetBlock {
        path: Value::Value(t.path.clone()),
        exclusions: to_list(&t.exclusions),
        connection_name: text(&t.connection_name),
        sample_size: t
            .sample_size
            .map(|n| Value::Value(Number::from(n)))
            .unwrap_or(Value::Null),
        event_queue_arn: text(&t.event_queue_arn),
        dlq_event_queue_arn: text(&t.dlq_event_queue_arn),
    }
}

fn table_format_block(t: &TableFormatTarget) -> TableFormatBlock {
    TableFormatBlock {
        paths: to_list(&t.paths),
        connection_name: text(&t.connection_name),
        exclusions: to_list(&t.exclusions),
        maximum_traversal_depth: Value::Value(Number::from(t.maximum_traversal_depth)),
    }
}

/// The blocks of the other kinds as Glue holds them (Glue's defaults written out, as plan
/// fills them).
pub(super) fn other_blocks(o: &OtherTargets) -> TargetBlocks {
    fn list<T>(v: Vec<T>) -> Value<Vec<T>> {
        Value::Value(v)
    }
    TargetBlocks {
        s3: Value::Value(Vec::new()),
        catalog: list(
            o.catalog
                .iter()
                .map(|c| CatalogTargetBlock {
                    database_name: Value::Value(c.database.clone()),
                    tables: to_list(&c.tables),
                    connection_name: text(&c.connection_name),
                    event_queue_arn: text(&c.event_queue_arn),
                    dlq_event_queue_arn: text(&c.dlq_event_queue_arn),
                })
                .collect(),
        ),
        jdbc: list(
            o.jdbc
                .iter()
                .map(|j| JdbcTargetBlock {
                    connection_name: Value::Value(j.connection_name.clone()),
                    path: Value::Value(j.path.clone()),
                    exclusions: to_list(&j.exclusions),
                    enable_additional_metadata: to_list(&j.enable_additional_metadata),
                })
                .collect(),
        ),
        dynamodb: list(
            o.dynamodb
                .iter()
                .map(|d| DynamoDbTargetBlock {
                    path: Value::Value(d.path.clone()),
                    scan_all: Value::Value(d.scan_all.unwrap_or(true)),
                    scan_rate: d
                        .scan_rate_milli
                        .map(|m| Value::Value(Number(m as f64 / 1000.0)))
                        .unwrap_or(Value::Null),
                })
                .collect(),
        ),
        mongodb: list(
            o.mongodb
                .iter()
                .map(|m| MongoDbTargetBlock {
                    connection_name: Value::Value(m.connection_name.clone()),
                    path: Value::Value(m.path.clone()),
                    scan_all: Value::Value(m.scan_all.unwrap_or(true)),
                })
                .collect(),
        ),
        delta: list(
            o.delta
                .iter()
                .map(|d| DeltaTargetBlock {
                    delta_tables: to_list(&d.delta_tables),
                    connection_name: text(&d.connection_name),
                    write_manifest: Value::Value(d.write_manifest),
                    create_native_delta_table: Value::Value(
                        d.create_native_delta_table.unwrap_or(false),
                    ),
                })
                .collect(),
        ),
        iceberg: list(o.iceberg.iter().map(table_format_block).collect()),
        hudi: list(o.hudi.iter().map(table_format_block).collect()),
    }
}

/// Glue's other targets read back: each kind keeps the prior blocks when they hold the
/// same targets (the user's order and spelling), and is Glue's answer otherwise.
pub(super) fn read_other(prior: &TargetBlocks, seen: &OtherTargets) -> TargetBlocks {
    let fresh = other_blocks(seen);
    macro_rules! kind {
        ($field:ident) => {{
            let one = TargetBlocks {
                $field: prior.$field.clone(),
                ..TargetBlocks::empty()
            };
            let seen_one = OtherTargets {
                $field: seen.$field.clone(),
                ..OtherTargets::default()
            };
            match one.other_model() {
                Some(m)
                    if !prior.$field.is_null() && targets::same_other_targets(&m, &seen_one) =>
                {
                    prior.$field.clone()
                }
                _ => fresh.$field.clone(),
            }
        }};
    }
    TargetBlocks {
        s3: Value::Value(Vec::new()),
        catalog: kind!(catalog),
        jdbc: kind!(jdbc),
        dynamodb: kind!(dynamodb),
        mongodb: kind!(mongodb),
        delta: kind!(delta),
        iceberg: kind!(iceberg),
        hudi: kind!(hudi),
    }
}

impl TargetBlocks {
    fn empty() -> Self {
        fn e<T>() -> Value<Vec<T>> {
            Value::Value(Vec::new())
        }
        TargetBlocks {
            s3: e(),
            catalog: e(),
            jdbc: e(),
            dynamodb: e(),
            mongodb: e(),
            delta: e(),
            iceberg: e(),
            hudi: e(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value<String> {
        Value::Value(v.to_string())
    }

    fn list(v: &[&str]) -> Value<StringList> {
        Value::Value(v.iter().map(|x| s(x)).collect())
    }

    fn seen() -> OtherTargets {
        OtherTargets {
            jdbc: vec![
                JdbcTarget {
                    connection_name: "pg".into(),
                    path: "a/%".into(),
                    exclusions: vec![],
                    enable_additional_metadata: vec!["COMMENTS".into(), "RAWTYPES".into()],
                },
                JdbcTarget {
                    connection_name: "pg".into(),
                    path: "b/%".into(),
                    ..Default::default()
                },
            ],
            dynamodb: vec![DynamoDbTarget {
                path: "orders".into(),
                scan_all: None,
                scan_rate_milli: Some(500),
            }],
            delta: vec![DeltaTarget {
                delta_tables: vec!["s3://b/d/".into()],
                write_manifest: true,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_planned_where_left_out_and_explicit_values_kept() {
        let mut t = TargetBlocks {
            dynamodb: Value::Value(vec![
                DynamoDbTargetBlock {
                    path: s("a"),
                    ..Default::default()
                },
                DynamoDbTargetBlock {
                    path: s("b"),
                    scan_all: Value::Value(false),
                    ..Default::default()
                },
            ]),
            delta: Value::Value(vec![DeltaTargetBlock::default()]),
            jdbc: Value::Value(vec![JdbcTargetBlock {
                exclusions: list(&["x"]),
                ..Default::default()
            }]),
            s3: Value::Unknown,
            ..Default::default()
        };
        fill_defaults(&mut t);
        let Value::Value(d) = &t.dynamodb else {
            panic!("dynamodb")
        };
        assert_eq!(d[0].scan_all, Value::Value(true));
        assert_eq!(d[1].scan_all, Value::Value(false));
        assert_eq!(
            d[0].scan_rate,
            Value::Null,
            "no default: Glue's depends on the table"
        );
        let Value::Value(delta) = &t.delta else {
            panic!("delta")
        };
        assert_eq!(delta[0].create_native_delta_table, Value::Value(false));
        let Value::Value(j) = &t.jdbc else {
            panic!("jdbc")
        };
        assert_eq!(j[0].exclusions, list(&["x"]));
        assert_eq!(j[0].enable_additional_metadata, list(&[]));
        assert_eq!(t.s3, Value::Unknown, "unknown blocks stay unknown");
    }

    #[test]
    fn glue_answer_round_trips_through_blocks() {
        let blocks = other_blocks(&seen());
        let back = blocks.other_model().expect("every value known");
        assert!(targets::same_other_targets(&back, &seen()));
        let Value::Value(d) = &blocks.dynamodb else {
            panic!("dynamodb")
        };
        assert_eq!(
            d[0].scan_all,
            Value::Value(true),
            "Glue's default written out"
        );
        assert_eq!(d[0].scan_rate, Value::Value(Number(0.5)));
        let Value::Value(delta) = &blocks.delta else {
            panic!("delta")
        };
        assert_eq!(delta[0].connection_name, Value::Null);
    }

    #[test]
    fn the_prior_order_and_spelling_are_kept_for_the_same_targets() {
        // The user wrote the JDBC targets in the other order and the metadata reversed.
        let mut prior = other_blocks(&seen());
        if let Value::Value(j) = &mut prior.jdbc {
            j.reverse();
            j[1].enable_additional_metadata = list(&["RAWTYPES", "COMMENTS"]);
        }
        let read = read_other(&prior, &seen());
        assert_eq!(read.jdbc, prior.jdbc);
        assert_eq!(read.dynamodb, prior.dynamodb);
        // Drift in one kind: that kind is Glue's answer, the others keep the prior.
        let mut drifted = seen();
        drifted.jdbc[1].path = "c/%".into();
        let read = read_other(&prior, &drifted);
        assert_eq!(read.jdbc, other_blocks(&drifted).jdbc);
        assert_eq!(read.delta, prior.delta);
        // A kind removed out of band reads as no blocks.
        drifted.delta.clear();
        assert_eq!(read_other(&prior, &drifted).delta, Value::Value(Vec::new()));
    }

    #[test]
    fn unknown_values_give_no_model() {
        let mut t = other_blocks(&seen());
        if let Value::Value(j) = &mut t.jdbc {
            j[0].path = Value::Unknown;
        }
        assert!(t.other_model().is_none());
        assert_eq!(t.counts()[2], ("jdbc_target", Some(2)));
        t.hudi = Value::Unknown;
        assert_eq!(t.counts()[7], ("hudi_target", None));
    }
}
