//! Property tests over everything that reads input the provider does not control: the
//! configuration (decoding and validation), schedules, import IDs, policy documents, and
//! AWS's answers. Each property is "never panics" plus, where one exists, an invariant
//! (idempotence, round trip). Case counts are fixed so `cargo test` stays bounded; raise
//! them locally with `PROPTEST_CASES=100000 cargo test --bin terraform-provider-flywheel fuzz::`.
//! A failure found here is kept as an ordinary unit test beside the code it broke.

use proptest::prelude::*;
use serde_json::{json, Value as Json};
use tf_provider::Diagnostics;

use crate::model::{crawler, job, pipeline, policy, schedule, tags};

/// Cases per property: enough to explore the strategies, few enough for `make test`.
const CASES: u32 = 256;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        // Minimal failing inputs become unit tests; no regression files in the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Strings that reach the edges: empty, NUL, newlines, unicode, ARN and URI shapes, IAM
/// wildcards and policy variables, very long ones.
fn odd_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9._/:*?$%{}\\- ]{0,40}",
        "(arn|s3|cron|rate|alias|key|policy|role|aws|\\*|/|:|\\(|\\)|\\?|#|L|W|,|-|[0-9]{1,12}| |\u{0}|\n|é|\u{202e}){0,16}",
        "[a-zA-Z0-9]{0,300}",
        Just(String::new()),
        Just("\u{0}".to_string()),
    ]
}

/// A number as Terraform may send one, NaN and infinities included.
fn odd_number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        (-1000i64..100_000).prop_map(|n| n as f64),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(1e300),
        Just(-0.0),
        Just(i64::MAX as f64),
        Just(i64::MIN as f64),
    ]
}

/// Arbitrary JSON, as deep as a configuration or a policy document gets.
fn json_value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        odd_number().prop_map(|n| json!(n)),
        any::<i64>().prop_map(|n| json!(n)),
        odd_string().prop_map(Json::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map(
                prop_oneof![
                    odd_string(),
                    prop::sample::select(vec![
                        "Version",
                        "Statement",
                        "Sid",
                        "Effect",
                        "Action",
                        "Resource",
                        "Principal",
                        "Condition",
                        "Grouping",
                        "CrawlerOutput",
                    ])
                    .prop_map(str::to_string),
                ],
                inner,
                0..6
            )
            .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

/// A configuration object: the resource's own attribute names with arbitrary values, plus
/// stray keys, so serde meets every field with every type.
fn config_object(attrs: &'static [&'static str]) -> impl Strategy<Value = Json> {
    let value = prop_oneof![
        3 => odd_string().prop_map(Json::String),
        1 => odd_number().prop_map(|n| json!(n)),
        1 => any::<bool>().prop_map(Json::Bool),
        1 => Just(Json::Null),
        1 => prop::collection::vec(odd_string().prop_map(Json::String), 0..4).prop_map(Json::Array),
        1 => prop::collection::btree_map(odd_string(), odd_string(), 0..60)
            .prop_map(|m| json!(m)),
        1 => json_value(),
    ];
    prop::collection::btree_map(prop::sample::select(attrs.to_vec()), value, 0..attrs.len())
        .prop_map(|m| Json::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

const JOB_ATTRS: &[&str] = &[
    "name",
    "role_arn",
    "script",
    "script_location",
    "script_bucket",
    "temp_dir",
    "spark_event_logs_path",
    "worker_type",
    "number_of_workers",
    "timeout_minutes",
    "max_retries",
    "glue_version",
    "description",
    "schedule",
    "arguments",
    "tags",
    "pipeline",
];
const CRAWLER_ATTRS: &[&str] = &[
    "name",
    "role_arn",
    "database",
    "s3_targets",
    "exclusions",
    "s3_target",
    "catalog_target",
    "dynamodb_target",
    "iceberg_target",
    "table_prefix",
    "schema_change_policy",
    "recrawl_policy",
    "schedule",
    "run_after_job",
    "configuration",
    "tags",
    "pipeline",
];
const PIPELINE_ATTRS: &[&str] = &[
    "name",
    "environment",
    "database",
    "role",
    "data_bucket",
    "assets_bucket",
    "analysis_bucket",
    "tags",
    "force_destroy",
];
const PROVIDER_ATTRS: &[&str] = &[
    "region",
    "profile",
    "allowed_account_ids",
    "default_tags",
    "max_retries",
    "http_timeout_seconds",
    "operation_timeout_seconds",
    "dpu_hour_price_usd",
    "skip_region_validation",
    "assume_role",
    "endpoints",
];

/// Every one-value rule the validators apply, fed the same string.
fn all_rules(s: &str) {
    use crate::validate as v;
    let _ = v::endpoint_url(s);
    let _ = v::account_id(s);
    let _ = v::role_arn(s);
    let _ = v::go_duration(s);
    let _ = v::glue_name(s, 255);
    let _ = v::bucket_name(s);
    let _ = v::s3_uri(s, true);
    let _ = v::s3_uri(s, false);
    let _ = pipeline::check_pipeline_name(s);
    let _ = pipeline::check_environment(s);
    let _ = pipeline::check_role_name(s);
    let _ = pipeline::check_role_path(s);
    let _ = pipeline::check_database_name(s);
    let _ = pipeline::check_prefix(s);
    let _ = pipeline::check_kms_key_arn(s);
    let _ = pipeline::check_policy_arn(s);
    let _ = pipeline::check_principal_arn(s);
    let _ = pipeline::check_sse_algorithm(s);
    let _ = pipeline::check_not_glue_service_role(s);
    let _ = job::check_name(s);
    let _ = job::check_worker_type(s);
    let _ = job::check_glue_version(s);
    let _ = job::check_compatibility(s, s);
    let _ = job::check_argument(s, s);
    let _ = crawler::check_name(s);
    let _ = crawler::check_run_after_job(s);
    let _ = crawler::check_schedule(s);
    let _ = crawler::check_table_prefix(s);
    let _ = crawler::check_exclusion(s);
    let _ = crawler::check_update_behavior(s);
    let _ = crawler::check_delete_behavior(s);
    let _ = crawler::check_recrawl_behavior(s);
    let _ = crawler::check_configuration(s);
    let _ = crawler::canonical_configuration(Some(s));
    let _ = crawler::configuration_equivalent(Some(s), Some(s));
    let _ = crate::aws::errors::redact_userinfo(s);
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn validators_are_total(s in odd_string()) {
        all_rules(&s);
    }

    #[test]
    fn tag_rules_are_total(t in prop::collection::btree_map(odd_string(), odd_string(), 0..70)) {
        let _ = tags::problems(&t);
        prop_assert_eq!(tags::count_problem(&t).is_some(), t.len() > tags::MAX_USER_TAGS);
    }

    #[test]
    fn job_config_decodes_and_validates_without_panic(obj in config_object(JOB_ATTRS)) {
        if let Ok(state) = serde_json::from_value::<crate::resources::job::State>(obj) {
            crate::resources::job::validate_config(&state, &mut Diagnostics::default());
        }
    }

    #[test]
    fn crawler_config_decodes_and_validates_without_panic(obj in config_object(CRAWLER_ATTRS)) {
        if let Ok(state) = serde_json::from_value::<crate::resources::crawler::State>(obj) {
            crate::resources::crawler::validate_config(&state, &mut Diagnostics::default());
        }
    }

    /// Target blocks with odd values in every field: validation and the plan's model
    /// never panic.
    #[test]
    fn crawler_target_blocks_validate_without_panic(
        path in odd_string(),
        conn in odd_string(),
        n in odd_number(),
    ) {
        let obj = json!({
            "name": "crw", "role_arn": "arn:aws:iam::123456789012:role/r", "database": "db",
            "s3_target": [{"path": path, "sample_size": n, "connection_name": conn, "exclusions": [path]}],
            "catalog_target": [{"database_name": conn, "tables": [path], "event_queue_arn": path}],
            "jdbc_target": [{"connection_name": conn, "path": path, "enable_additional_metadata": [conn]}],
            "dynamodb_target": [{"path": path, "scan_rate": n}],
            "mongodb_target": [{"path": path, "connection_name": conn}],
            "delta_target": [{"delta_tables": [path], "write_manifest": true}],
            "iceberg_target": [{"paths": [path], "maximum_traversal_depth": n}],
            "hudi_target": [{"paths": [conn], "maximum_traversal_depth": n}],
        });
        if let Ok(state) = serde_json::from_value::<crate::resources::crawler::State>(obj) {
            crate::resources::crawler::validate_config(&state, &mut Diagnostics::default());
        }
    }

    #[test]
    fn pipeline_config_decodes_and_validates_without_panic(obj in config_object(PIPELINE_ATTRS)) {
        if let Ok(state) = serde_json::from_value::<crate::resources::pipeline::State>(obj) {
            crate::resources::pipeline::validate_config(&state, &mut Diagnostics::default());
        }
    }

    #[test]
    fn provider_config_decodes_and_validates_without_panic(obj in config_object(PROVIDER_ATTRS)) {
        if let Ok(c) = serde_json::from_value::<crate::provider::settings::ProviderConfig>(obj) {
            let _ = crate::provider::settings::from_config(&c, &mut Diagnostics::default());
        }
    }

    /// Pipelines with valid literal names: the derived names are then valid too (or a
    /// diagnostic says why), never a panic.
    #[test]
    fn pipeline_names_derive_without_panic(
        name in "[a-z0-9][a-z0-9-]{0,38}[a-z0-9]",
        env in prop::option::of("[a-z0-9][a-z0-9-]{0,14}[a-z0-9]"),
    ) {
        let s = pipeline::Settings { name, environment: env, ..Default::default() };
        let _ = pipeline::check_names(&s);
        let id = pipeline::import_id(&s);
        let parsed = pipeline::parse_import_id(&id).expect("an ID the provider made parses");
        prop_assert_eq!(pipeline::import_id(&parsed.settings()), id);
    }
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn schedules_parse_or_fail(s in odd_string()) {
        let _ = schedule::parse(&s);
        prop_assert!(schedule::equivalent(&s, &s));
    }

    /// Cron-shaped input: whatever parses sends Glue a cron that parses to itself.
    #[test]
    fn parsed_schedules_are_stable(
        fields in prop::collection::vec(
            "(\\*|\\?|L|[0-9]{1,4}|[0-9]{1,2}-[0-9]{1,2}|\\*/[0-9]{1,3}|[0-9]/[0-9]{1,2}|MON|JAN|MON-FRI|[1-7]#[0-9]|[0-9]{1,2}W|[0-9]L|,)",
            4..8,
        ),
        rate in (0u32..200, prop::sample::select(vec!["minute", "minutes", "hour", "hours", "day", "days", "weeks"])),
        pick in any::<bool>(),
    ) {
        let expr = if pick {
            format!("cron({})", fields.join(" "))
        } else {
            format!("rate({} {})", rate.0, rate.1)
        };
        if let Ok(s) = schedule::parse(&expr) {
            let again = schedule::parse(&s.glue_cron).expect("the Glue cron parses");
            prop_assert_eq!(&again.glue_cron, &s.glue_cron);
            prop_assert!(schedule::equivalent(&expr, &s.glue_cron));
        }
    }

    #[test]
    fn import_ids_parse_or_fail(id in odd_string(), keys in prop::collection::vec(
        (prop::sample::select(vec![
            "name", "environment", "role", "database", "data_bucket", "assets_bucket",
            "analysis_bucket", "adopted", "other", "",
        ]), odd_string()),
        0..8,
    )) {
        let _ = pipeline::parse_import_id(&id);
        let joined: Vec<String> = keys.iter().map(|(k, v)| format!("{k}={v}")).collect();
        if let Ok(parsed) = pipeline::parse_import_id(&joined.join(",")) {
            let _ = pipeline::import_id(&parsed.settings());
        }
        // Jobs and crawlers are imported by name.
        let _ = job::check_name(&id);
        let _ = crawler::check_name(&id);
    }

    #[test]
    fn imported_job_environment_is_total(
        name in odd_string(),
        location in prop::option::of(odd_string()),
        args in prop::collection::btree_map(
            prop_oneof![odd_string(), Just("--TempDir".to_string()), Just("--spark-event-logs-path".to_string())],
            odd_string(),
            0..6,
        ),
    ) {
        let _ = job::imported_environment(&name, location.as_deref(), &args, false);
    }
}

proptest! {
    #![proptest_config(config(CASES))]

    #[test]
    fn policy_text_parses_or_fails(text in prop_oneof![
        odd_string(),
        json_value().prop_map(|v| v.to_string()),
        json_value().prop_map(|v| percent_encode(&v.to_string())),
        "(%[0-9a-fA-F]{0,2}|%|[a-z{}\":]){0,30}",
    ]) {
        let _ = policy::percent_decode(&text);
        if let Some(doc) = policy::parse(&text) {
            let once = policy::normalize(&doc);
            prop_assert_eq!(policy::normalize(&once), once);
        }
        let _ = crate::aws::s3::buckets::policy_document("bucket", "GetBucketPolicy", &text);
    }

    #[test]
    fn policy_normalisation_is_idempotent(doc in json_value()) {
        let once = policy::normalize(&doc);
        prop_assert_eq!(policy::normalize(&once), once.clone());
        let _ = policy::statements(&doc);
        let _ = policy::condition_keys(&doc);
        let _ = policy::split_by_sid(&doc, "Flywheel");
        let _ = policy::trust_difference(&doc, &once);
    }

    #[test]
    fn percent_decoding_inverts_encoding(s in any::<String>()) {
        prop_assert_eq!(policy::percent_decode(&percent_encode(&s)), Some(s));
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// AWS's answers, built as the SDK would hand them over, with any field missing or odd.
mod aws_answers {
    use super::*;
    use aws_sdk_glue::types::{
        Action, Condition, Crawler, CrawlerTargets, DeleteBehavior, Job, JobCommand, JobRunState,
        Predicate, RecrawlBehavior, RecrawlPolicy, S3Target, Schedule, SchemaChangePolicy, Trigger,
        TriggerState, TriggerType, UpdateBehavior, WorkerType,
    };
    use aws_sdk_s3::types::{
        AbortIncompleteMultipartUpload, ExpirationStatus, LifecycleExpiration, LifecycleRule,
        LifecycleRuleFilter, Transition, TransitionStorageClass,
    };

    fn opt() -> impl Strategy<Value = Option<String>> {
        prop::option::of(odd_string())
    }

    fn opt_i32() -> impl Strategy<Value = Option<i32>> {
        prop::option::of(prop_oneof![
            any::<i32>(),
            Just(i32::MAX),
            Just(i32::MIN),
            Just(0)
        ])
    }

    proptest! {
        #![proptest_config(config(CASES))]

        #[test]
        fn jobs_translate(
            (name, role, script, python, worker, glue, desc) in (opt(), opt(), opt(), opt(), opt(), opt(), opt()),
            (workers, timeout, retries) in (opt_i32(), opt_i32(), any::<i32>()),
            args in prop::option::of(prop::collection::hash_map(odd_string(), odd_string(), 0..8)),
            command in any::<bool>(),
            asked in odd_string(),
        ) {
            let mut b = Job::builder()
                .set_name(name)
                .set_role(role)
                .set_worker_type(worker.map(|w| WorkerType::from(w.as_str())))
                .set_number_of_workers(workers)
                .set_timeout(timeout)
                .max_retries(retries)
                .set_glue_version(glue)
                .set_description(desc)
                .set_default_arguments(args);
            if command {
                b = b.command(
                    JobCommand::builder()
                        .set_script_location(script)
                        .set_python_version(python)
                        .build(),
                );
            }
            let _ = crate::aws::glue::jobs::observed(&b.build(), &asked);
        }

        #[test]
        fn crawlers_translate(
            (name, role, db, prefix, sched, conf) in (opt(), opt(), opt(), opt(), opt(), opt()),
            (update, delete, recrawl) in (opt(), opt(), opt()),
            targets in prop::option::of(prop::collection::vec(
                (opt(), prop::collection::vec(odd_string(), 0..3)), 0..4)),
            asked in odd_string(),
        ) {
            let targets = targets.map(|ts| {
                CrawlerTargets::builder()
                    .set_s3_targets(Some(
                        ts.into_iter()
                            .map(|(p, x)| S3Target::builder().set_path(p).set_exclusions(Some(x)).build())
                            .collect(),
                    ))
                    .build()
            });
            let c = Crawler::builder()
                .set_name(name)
                .set_role(role)
                .set_database_name(db)
                .set_table_prefix(prefix)
                .set_targets(targets)
                .schedule(Schedule::builder().set_schedule_expression(sched).build())
                .set_configuration(conf)
                .schema_change_policy(
                    SchemaChangePolicy::builder()
                        .set_update_behavior(update.map(|u| UpdateBehavior::from(u.as_str())))
                        .set_delete_behavior(delete.map(|d| DeleteBehavior::from(d.as_str())))
                        .build(),
                )
                .recrawl_policy(
                    RecrawlPolicy::builder()
                        .set_recrawl_behavior(recrawl.map(|r| RecrawlBehavior::from(r.as_str())))
                        .build(),
                )
                .build();
            let observed = crate::aws::glue::crawlers::observed(&c, &asked);
            let _ = crawler::observed_policies(&observed);
        }

        #[test]
        fn triggers_translate(
            (name, sched) in (opt(), opt()),
            kind in prop::option::of(prop::sample::select(vec!["SCHEDULED", "CONDITIONAL", "ON_DEMAND", "EVENT", "odd"])),
            state in prop::option::of(prop::sample::select(vec!["ACTIVATED", "CREATED", "DEACTIVATED", "odd"])),
            actions in prop::collection::vec((opt(), opt()), 0..4),
            conditions in prop::option::of(prop::collection::vec((opt(), prop::option::of(prop::sample::select(vec!["SUCCEEDED", "FAILED", "odd"]))), 0..3)),
            asked in odd_string(),
        ) {
            let predicate = conditions.map(|cs| {
                Predicate::builder()
                    .set_conditions(Some(
                        cs.into_iter()
                            .map(|(j, s)| {
                                Condition::builder()
                                    .set_job_name(j)
                                    .set_state(s.map(JobRunState::from))
                                    .build()
                            })
                            .collect(),
                    ))
                    .build()
            });
            let t = Trigger::builder()
                .set_name(name)
                .set_type(kind.map(TriggerType::from))
                .set_state(state.map(TriggerState::from))
                .set_schedule(sched)
                .set_predicate(predicate)
                .set_actions(Some(
                    actions
                        .into_iter()
                        .map(|(j, c)| Action::builder().set_job_name(j).set_crawler_name(c).build())
                        .collect(),
                ))
                .build();
            let _ = crate::aws::glue::triggers::observed(&t, &asked);
        }

        #[test]
        fn lifecycle_rules_translate(
            id in prop_oneof![opt(), odd_string().prop_map(|s| Some(format!("flywheel-{s}")))],
            enabled in any::<bool>(),
            (prefix, filter_prefix) in (opt(), prop::option::of(opt())),
            (expire, abort, tier) in (opt_i32(), opt_i32(), prop::collection::vec((opt_i32(), any::<bool>()), 0..3)),
        ) {
            #[allow(deprecated)]
            let mut b = LifecycleRule::builder()
                .set_id(id)
                .status(if enabled { ExpirationStatus::Enabled } else { ExpirationStatus::Disabled })
                .set_prefix(prefix)
                .set_expiration(expire.map(|d| LifecycleExpiration::builder().days(d).build()))
                .set_abort_incomplete_multipart_upload(abort.map(|d| {
                    AbortIncompleteMultipartUpload::builder().days_after_initiation(d).build()
                }))
                .set_transitions(Some(
                    tier.into_iter()
                        .map(|(d, it)| {
                            Transition::builder()
                                .set_days(d)
                                .storage_class(if it {
                                    TransitionStorageClass::IntelligentTiering
                                } else {
                                    TransitionStorageClass::Glacier
                                })
                                .build()
                        })
                        .collect(),
                ));
            if let Some(p) = filter_prefix {
                b = b.filter(LifecycleRuleFilter::builder().set_prefix(p).build());
            }
            if let Ok(rule) = b.build() {
                let _ = crate::aws::s3::lifecycle::to_model_rule(&rule);
            }
        }
    }
}
