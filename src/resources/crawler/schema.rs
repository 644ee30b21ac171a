//! The schema of `flywheel_crawler`.

use tf_provider::schema::{NestedBlock, Schema};

use crate::resources::context;
use crate::schema::*;

pub(super) fn schema() -> Schema {
    Schema {
        // Still 0, although 0.2 added `owner_id`: tf-provider 0.2.2 calls
        // `Resource::upgrade` only for another version, and that method takes a `RawValue` the
        // crate does not export, so no resource can implement it. A 0.1.0 state deserializes
        // as it is (every attribute has a default; `owner_id` is null), the plan makes
        // `owner_id` unknown and the first apply writes the owner tags: that is the upgrade.
        version: 0,
        block: block(
            "A Glue crawler over S3 prefixes (and, with target blocks, Data Catalog tables, JDBC databases, DynamoDB tables, MongoDB collections and Delta, Iceberg or Hudi tables) that catalogs what it finds into a Glue database, with the organisation's defaults (schema changes update the catalog, deletions are only logged). It can run on a schedule and, through a conditional Glue trigger, whenever a job succeeds, so a job's output is catalogued as soon as it is written. It creates, changes and deletes only objects it can prove are its own (see `owner_id`): a crawler or trigger that already exists under its names and does not carry its identity is left untouched and the apply fails, naming it and the import command; a `<name>-after-job` trigger it did not create is never deleted, even when `run_after_job` is not set. Import with the crawler's name: importing claims the crawler (and its `<name>-after-job` trigger, unless another instance's identity is on it), so import only a crawler no other Terraform state manages, or both states will manage it. Every kind of target is read back; S3 targets as `s3_targets` when each fits that list (no connection, and the same exclusions, sample size and event queues on every path), as `s3_target` blocks otherwise. A crawler whose configuration writes such targets as blocks plans one update after import that changes only the state (Glue is not called).",
            [
                ("id", attr(string(), Computed, "The crawler's name.")),
                ("name", attr(string(), Required, "Name of the Glue crawler: 1 to 245 characters on one line (room is left for the derived trigger name). Changing it replaces the crawler.")),
                ("pipeline", attr(context::attribute_type(), OptionalComputed, context::DESCRIPTION)),
                ("role_arn", attr(string(), OptionalComputed, "ARN of the IAM role the crawler runs as. Defaults to the pipeline's `role_arn`. The provider waits for a freshly created role to become assumable by Glue.")),
                ("database", attr(string(), OptionalComputed, "Glue catalog database the crawler writes tables into. Defaults to the pipeline's `database`. Changing it replaces the crawler.")),
                ("s3_targets", attr(string_list(), OptionalComputed, "S3 locations to crawl, each `s3://bucket/prefix/`: the short form of the S3 targets, which share `exclusions`, `sample_size` and the event queues. Order does not matter. For a connection or options per path, write `s3_target` blocks instead (not both in one crawler). A crawler needs at least one target of some kind.")),
                ("exclusions", attr(string_list(), OptionalComputed, "Glob patterns excluded from every path of `s3_targets`, such as `**/_temporary/**`. Default: none. With `s3_target` blocks, set `exclusions` in each block.")),
                ("table_prefix", attr(string(), OptionalComputed, "Prefix added to the names of the tables the crawler creates, up to 128 characters.")),
                ("recrawl_policy", attr(string(), OptionalComputed, "`CRAWL_EVERYTHING` (default), `CRAWL_NEW_FOLDERS_ONLY` (incremental; requires both schema change behaviours to be `LOG`) or `CRAWL_EVENT_MODE` (crawls only what S3 event notifications name; requires `event_queue_arn`).")),
                ("schedule", attr(string(), OptionalComputed, "When the crawler runs by itself: AWS `cron(Minutes Hours Day-of-month Month Day-of-week Year)` such as `cron(0 4 * * ? *)`, or `rate(N unit)` with an exact cron equivalent. Set as the crawler's own Glue schedule.")),
                ("run_after_job", attr(string(), OptionalComputed, "Name of a Glue job: the crawler starts whenever a run of that job ends in one of `run_after_job_states` (SUCCEEDED by default), through a conditional Glue trigger named `<name>-after-job`.")),
                ("run_after_job_states", attr(string_set(), OptionalComputed, "The job run states that start the crawler, any of them: `SUCCEEDED`, `FAILED`, `TIMEOUT`, `STOPPED`, `ERROR`. Default `[\"SUCCEEDED\"]` with `run_after_job`; only with it. For example `[\"SUCCEEDED\", \"FAILED\"]` catalogues what a failed run wrote too. Changing it replaces the trigger (Glue cannot change a trigger's predicate in place).")),
                ("configuration", attr(string(), OptionalComputed, "Crawler configuration JSON (version 1.0), usually written with `jsonencode`, for example `jsonencode({ Version = 1.0, Grouping = { TableGroupingPolicy = \"CombineCompatibleSchemas\" } })`. Key order, whitespace, number formatting and the defaults Glue adds never show as a diff (among them the grouping `CombineCompatibleSchemas` Glue gives every crawler of catalog targets, which an import therefore reads as unset). Keys Glue does not accept are rejected by `terraform validate`.")),
                ("sample_size", attr(number(), OptionalComputed, "Files crawled in each leaf folder of every `s3_targets` path, from 1 to 249 (Glue's `SampleSize`): a faster crawl of large prefixes whose files share a schema. Default: every file. With `s3_target` blocks, set it in each block.")),
                ("event_queue_arn", attr(string(), OptionalComputed, "ARN of the SQS queue that receives the S3 event notifications of the `s3_targets` paths. With `recrawl_policy = \"CRAWL_EVENT_MODE\"`, which requires it, each crawl reads only the objects the events name instead of listing every prefix. Set on every path of `s3_targets`; with `s3_target` or `catalog_target` blocks, set it in each block instead.")),
                ("dlq_event_queue_arn", attr(string(), OptionalComputed, "ARN of the SQS dead-letter queue for S3 events the crawler could not process. Needs `event_queue_arn`.")),
                ("description", attr(string(), OptionalComputed, "Description of the crawler, up to 2048 characters. Unset: `Managed by terraform-provider-flywheel.`, which reads back as unset.")),
                ("classifiers", attr(string_list(), OptionalComputed, "Names of custom Glue classifiers the crawler tries, in this order, before the built-in ones. Default: none.")),
                ("lineage", attr(bool(), OptionalComputed, "Whether the crawler records data lineage (Glue `LineageConfiguration` `ENABLE`). Default `false`.")),
                ("security_configuration", attr(string(), OptionalComputed, "Name of the Glue security configuration the crawler uses (encryption of its CloudWatch logs and of what it writes). Default: none.")),
                ("running_crawler_timeout", attr(string(), OptionalComputed, "How long an apply waits when Glue refuses to update or delete the crawler because a run of it is in progress or stopping: a duration such as `30m`, `1h` or `90s`, up to `24h`. Default `30m`; `0s` fails at once. The wait polls the crawler's state and logs its progress (`TF_LOG=INFO`), then makes the change. Not read from AWS: an import leaves it unset.")),
                ("stop_running_crawler", attr(bool(), OptionalComputed, "When `true`, an apply that must update or delete the crawler while a run of it is in progress stops the run first (StopCrawler), then waits up to `running_crawler_timeout` for it to stop. Default `false`: the run is left to finish. Not read from AWS: an import leaves it unset.")),
                ("tags", attr(string_map(), OptionalComputed, "Tags for the crawler and its trigger, on top of the provider's `default_tags` and the pipeline's tags. Keys starting `aws:` or `flywheel:` are reserved.")),
                ("tags_all", attr(string_map(), Computed, "Every tag on the crawler: provider `default_tags`, the pipeline's tags, `tags`, the informational `flywheel:managed-by`, and the ownership tags `flywheel:owner` (this instance's `owner_id`) and, with a pipeline, `flywheel:pipeline-owner`. An ownership tag removed outside Terraform shows as a diff here, and apply restores it.")),
                ("owner_id", attr(string(), Computed, "This instance's identity: a random value made when the resource is created or imported, kept in state, and written as the tag `flywheel:owner` on the crawler and its trigger. The provider changes or deletes an existing object only when it carries this identity (or, for objects created by provider 0.1.0, none), so another Terraform state with the same configuration, or an object with copied tags, is never taken over. Another state cannot reproduce it. Unknown until the first apply.")),
                ("arn", attr(string(), Computed, "ARN of the Glue crawler.")),
                ("managed_objects", attr(crate::resources::managed::attribute_type(), Computed, crate::resources::managed::DESCRIPTION)),
            ],
            [
                ("s3_target", NestedBlock::List(block(
                    "An S3 location to crawl with options of its own (Glue's `S3Target`): the block form of `s3_targets`, for a connection or per-path exclusions, sample size or event queue. Repeat it for each path. A crawler uses either `s3_targets` or `s3_target` blocks; they can be combined with every other kind but `catalog_target`.",
                    [
                        ("path", attr(string(), Required, "The S3 location, `s3://bucket/prefix/`.")),
                        ("exclusions", attr(string_list(), OptionalComputed, "Glob patterns excluded from this path, such as `**/_temporary/**`. Default: none.")),
                        ("connection_name", attr(string(), OptionalComputed, "Name of a Glue connection (of type NETWORK) through which the crawler reaches the bucket, for a bucket only reachable from a VPC. Default: none.")),
                        ("sample_size", attr(number(), OptionalComputed, "Files crawled in each leaf folder of this path, from 1 to 249. Default: every file.")),
                        ("event_queue_arn", attr(string(), OptionalComputed, "ARN of the SQS queue that receives this path's S3 event notifications, for `recrawl_policy = \"CRAWL_EVENT_MODE\"`.")),
                        ("dlq_event_queue_arn", attr(string(), OptionalComputed, "ARN of the SQS dead-letter queue for this path's events. Needs `event_queue_arn`.")),
                    ],
                    [],
                ))),
                ("catalog_target", NestedBlock::List(block(
                    "Existing Data Catalog tables to crawl (Glue's `CatalogTarget`), for tables whose schema is kept up to date from their data. A crawler with catalog targets can have no other kind of target, and its `schema_change_policy.delete_behavior` is `LOG` (the default) or `DELETE_FROM_DATABASE`: Glue refuses `DEPRECATE_IN_DATABASE` for it.",
                    [
                        ("database_name", attr(string(), Required, "The catalog database that holds the tables.")),
                        ("tables", attr(string_list(), Required, "Names of the tables to crawl, at least one.")),
                        ("connection_name", attr(string(), OptionalComputed, "Name of a Glue connection (of type NETWORK) for S3-backed tables reached through a VPC. Default: none.")),
                        ("event_queue_arn", attr(string(), OptionalComputed, "ARN of the SQS queue of the tables' S3 event notifications, for `recrawl_policy = \"CRAWL_EVENT_MODE\"`.")),
                        ("dlq_event_queue_arn", attr(string(), OptionalComputed, "ARN of the SQS dead-letter queue for those events. Needs `event_queue_arn`.")),
                    ],
                    [],
                ))),
                ("jdbc_target", NestedBlock::List(block(
                    "A database reached through a Glue JDBC connection (Glue's `JdbcTarget`). The pipeline's role does not grant the connection's secret: add `secretsmanager:GetSecretValue` on it through the pipeline's `role.inline_policies` when the connection keeps its credentials in Secrets Manager.",
                    [
                        ("connection_name", attr(string(), Required, "Name of the Glue JDBC connection.")),
                        ("path", attr(string(), Required, "What to crawl: `database/schema/table`, with `%` for any, such as `sales/public/%`.")),
                        ("exclusions", attr(string_list(), OptionalComputed, "Glob patterns of tables excluded. Default: none.")),
                        ("enable_additional_metadata", attr(string_list(), OptionalComputed, "Extra metadata the crawler records in the table definitions: `RAWTYPES` (the database's native column types), `COMMENTS` (column comments). Default: none.")),
                    ],
                    [],
                ))),
                ("dynamodb_target", NestedBlock::List(block(
                    "A DynamoDB table (Glue's `DynamoDBTarget`). The pipeline's role does not grant DynamoDB: add `dynamodb:DescribeTable` and `dynamodb:Scan` on the table through the pipeline's `role.inline_policies`.",
                    [
                        ("path", attr(string(), Required, "The table's name.")),
                        ("scan_all", attr(bool(), OptionalComputed, "Whether every record is read (`true`, Glue's default) or a sample of them (`false`).")),
                        ("scan_rate", attr(number(), OptionalComputed, "The share of the table's configured read capacity the crawler may use, from 0.1 to 1.5. Default: Glue's, half of a provisioned table's read capacity (a quarter of an on-demand table's maximum).")),
                    ],
                    [],
                ))),
                ("mongodb_target", NestedBlock::List(block(
                    "A MongoDB or Amazon DocumentDB collection, through a Glue connection (Glue's `MongoDBTarget`). Credentials kept in Secrets Manager need `secretsmanager:GetSecretValue`, which the pipeline's role grants only through its `role.inline_policies`.",
                    [
                        ("connection_name", attr(string(), Required, "Name of the Glue connection to the database.")),
                        ("path", attr(string(), Required, "The collection: `database/collection`.")),
                        ("scan_all", attr(bool(), OptionalComputed, "Whether every record is read (`true`, Glue's default) or a sample of them (`false`).")),
                    ],
                    [],
                ))),
                ("delta_target", NestedBlock::List(block(
                    "Delta Lake tables in S3 (Glue's `DeltaTarget`). The pipeline's role reads only the pipeline's buckets (and writes only their prefixes): tables elsewhere, or `write_manifest`, need S3 permissions through the pipeline's `role.inline_policies`.",
                    [
                        ("delta_tables", attr(string_list(), Required, "S3 locations of the Delta tables, each `s3://bucket/prefix/`, at least one.")),
                        ("connection_name", attr(string(), OptionalComputed, "Name of a Glue connection (of type NETWORK) to reach the tables. Default: none.")),
                        ("write_manifest", attr(bool(), Required, "Whether the crawler writes manifest files to the Delta tables' locations (for readers such as Athena that need them).")),
                        ("create_native_delta_table", attr(bool(), OptionalComputed, "Whether the crawler creates native Delta tables, readable by engines that read the Delta transaction log directly, instead of symlink tables. Default `false`.")),
                    ],
                    [],
                ))),
                ("iceberg_target", NestedBlock::List(block(
                    "Apache Iceberg tables in S3 (Glue's `IcebergTarget`). The pipeline's role reads only the pipeline's buckets: tables elsewhere need S3 read through the pipeline's `role.inline_policies`.",
                    [
                        ("paths", attr(string_list(), Required, "S3 locations under which the crawler looks for Iceberg metadata folders, each `s3://bucket/prefix/`, at least one.")),
                        ("connection_name", attr(string(), OptionalComputed, "Name of a Glue connection (of type NETWORK) to reach the tables. Default: none.")),
                        ("exclusions", attr(string_list(), OptionalComputed, "Glob patterns excluded. Default: none.")),
                        ("maximum_traversal_depth", attr(number(), Required, "How many levels of S3 prefixes below each path the crawler descends to find metadata folders, from 1 to 20.")),
                    ],
                    [],
                ))),
                ("hudi_target", NestedBlock::List(block(
                    "Apache Hudi tables in S3 (Glue's `HudiTarget`). The pipeline's role reads only the pipeline's buckets: tables elsewhere need S3 read through the pipeline's `role.inline_policies`.",
                    [
                        ("paths", attr(string_list(), Required, "S3 locations under which the crawler looks for Hudi tables, each `s3://bucket/prefix/`, at least one.")),
                        ("connection_name", attr(string(), OptionalComputed, "Name of a Glue connection (of type NETWORK) to reach the tables. Default: none.")),
                        ("exclusions", attr(string_list(), OptionalComputed, "Glob patterns excluded. Default: none.")),
                        ("maximum_traversal_depth", attr(number(), Required, "How many levels of S3 prefixes below each path the crawler descends to find Hudi tables, from 1 to 20.")),
                    ],
                    [],
                ))),
                (
                    "schema_change_policy",
                    NestedBlock::Group(block(
                        "What the crawler does when it finds schema changes or deleted objects. Omitted: update in the database, log deletions.",
                        [
                            ("update_behavior", attr(string(), OptionalComputed, "`UPDATE_IN_DATABASE` (default) or `LOG`.")),
                            ("delete_behavior", attr(string(), OptionalComputed, "`LOG` (default), `DELETE_FROM_DATABASE` or `DEPRECATE_IN_DATABASE`.")),
                        ],
                        [],
                    )),
                ),
                (
                    "lake_formation_configuration",
                    NestedBlock::Optional(block(
                        "Crawl with Lake Formation credentials instead of the crawler's IAM role's own S3 permissions. Omitted: off.",
                        [
                            ("use_lake_formation_credentials", attr(bool(), Optional, "Whether the crawler uses Lake Formation credentials. Default `false`.")),
                            ("account_id", attr(string(), Optional, "For a cross-account crawl, the 12-digit ID of the account whose data is crawled. Default: the crawler's own account.")),
                        ],
                        [],
                    )),
                ),
            ],
        ),
    }
}
