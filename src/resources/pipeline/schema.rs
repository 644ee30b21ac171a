//! The resource's schema: every attribute with its description.

use super::*;

pub(super) fn bucket_block(description: &str) -> NestedBlock {
    NestedBlock::Group(block(
        description,
        [
            ("name", attr(string(), OptionalComputed, "Bucket name (S3 rules: 3 to 63 lowercase letters, digits, dots and hyphens). Defaults to `<name>-<environment>-data`, `-assets` or `-analysis` (without `-<environment>` when `environment` is not set). Changing it replaces the pipeline.")),
            ("create", attr(bool(), OptionalComputed, "`true` (default): the pipeline creates the bucket and deletes it on destroy (refusing while it holds objects, unless `force_destroy`). `false`: adopt an existing bucket; the pipeline configures it and on destroy removes only its lifecycle rules, policy statement and tags, never the bucket or its data.")),
            ("prefixes", attr(string_set(), OptionalComputed, "Key prefixes (each ending in `/`) the Glue role may read and write. Empty: the whole bucket. Not allowed on the assets bucket, whose prefixes are fixed (`scripts/` read-only, `temporary/`, `sparkHistoryLogs/`).")),
            ("expire_prefixes", attr(tf_provider::schema::AttributeType::Map(Box::new(number())), OptionalComputed, "Lifecycle expiry: prefix (ending in `/`) to days (1 or more). The assets bucket always expires `temporary/` (7 days unless set here) and, when the pipeline creates it, `sparkHistoryLogs/` (30 days unless set here). A created analysis bucket with no `expire_prefixes` expires `temp/` after 7 days and `spark-logs/` after 30; setting any expiry replaces those two (the plan shows them on the analysis bucket when unset). Adopted buckets get no expiry they are not given (besides the assets bucket's `temporary/`).")),
            ("kms_key_arn", attr(string(), OptionalComputed, "KMS key ARN (`arn:aws:kms:<region>:<account>:key/<id>`; not an alias ARN, which IAM does not match for `kms:Decrypt`) for SSE-KMS default encryption (with S3 Bucket Keys), or DSSE-KMS with `sse_algorithm = \"aws:kms:dsse\"`. The Glue role is granted `kms:Decrypt` and `kms:GenerateDataKey` on this key only. Default (neither this nor `sse_algorithm`): SSE-S3 (AES256) on a created bucket; an adopted bucket keeps the default encryption it has (SSE-S3, SSE-KMS or DSSE-KMS, any key), and gets SSE-S3 only when it has none.")),
            ("sse_algorithm", attr(string(), OptionalComputed, "Default encryption algorithm: `AES256` (SSE-S3), `aws:kms` (SSE-KMS) or `aws:kms:dsse` (DSSE-KMS), with `kms_key_arn` or, without it, the AWS managed key `aws/s3`. Defaults to `aws:kms` when `kms_key_arn` is set. Setting it (or `kms_key_arn`) is the only way the pipeline changes an adopted bucket's encryption; the plan then shows its `aws_s3_bucket_server_side_encryption_configuration` child as changing.")),
            ("intelligent_tiering", attr(bool(), OptionalComputed, "Move the bucket's objects to the Intelligent-Tiering storage class (a lifecycle transition at day 0; no archive tiers, which would need restores before Glue can read). Lifecycle transitions cost a fee per object (and Intelligent-Tiering a monthly monitoring fee per object over 128 KB), charged across all the data an adopted bucket already holds. Default: `true` on a data bucket the pipeline creates, `false` on adopted buckets and on the assets and analysis buckets.")),
            ("allowed_principal_arns", attr(string_set(), OptionalComputed, "IAM role and user ARNs (`arn:aws:iam::<account>:role/<path/name>` or `...:user/...`; `*` and `?` match as in `ArnLike`) allowed to read, write and delete the bucket's objects besides the Glue role. When set, the bucket policy denies `s3:GetObject`, `s3:PutObject` and `s3:DeleteObject` to every other principal (statement `FlywheelRestrictObjectAccess`). Include the principal Terraform runs as (job scripts are uploaded to the assets bucket with it): the plan warns when it is missing. Bucket configuration (the policy itself) is not restricted, so a wrong list can be repaired.")),
        ],
        [],
    ))
}

pub(super) fn schema_block() -> tf_provider::schema::Block {
    block(
        "The shared foundation of a data flywheel environment: three S3 buckets (data, Glue assets, analysis), each with default encryption, a public access block with all four flags on, a bucket policy denying non-TLS requests, lifecycle rules (incomplete multipart uploads aborted after 7 days; temporary prefixes expire; a created data bucket moves objects to Intelligent-Tiering), ACLs disabled (Object Ownership `BucketOwnerEnforced`) on the buckets it creates, and ownership tags; a Glue catalog database; and the IAM role Glue runs as, trusted by glue.amazonaws.com (the trust policy AWS documents; confused-deputy conditions on request), with a least-privilege inline policy and the AWSGlueServiceRole attachment (or, without it, Data Catalog access to this pipeline's database only), an optional IAM path and permissions boundary. Export `context` to `flywheel_job` and `flywheel_crawler`.\n\nImport with `name=<name>[,environment=<env>],role=<role>,database=<database>,data_bucket=<bucket>,assets_bucket=<bucket>,analysis_bucket=<bucket>[,adopted=data_bucket+...]` (the `id`); names left out take their defaults.",
        [
            ("id", attr(string(), Computed, "Names every child: `name=...,environment=...,role=...,database=...,data_bucket=...,assets_bucket=...,analysis_bucket=...[,adopted=...]`; also the import ID.")),
            ("name", attr(string(), Required, "Pipeline name: 1 to 40 lowercase letters, digits and hyphens. Tags every child (`flywheel:pipeline`) and is the base of default names.")),
            ("environment", attr(string(), Optional, "Environment (`prod`, `dev`, ...): 1 to 16 lowercase letters, digits and hyphens, part of default names.")),
            ("force_destroy", attr(bool(), OptionalComputed, "Allow destroy to delete every object (and version) in the buckets the pipeline created, and every table in its catalog database. Default `false`: destroy refuses, before deleting anything, while any of those buckets holds objects or the database holds tables (tables Terraform never made, such as Athena CTAS results and views, included). Adopted buckets are never emptied. Apply a change to it before destroying.")),
            ("tags", attr(string_map(), OptionalComputed, "Tags for every child that takes tags (buckets, database, role), over the provider's `default_tags`; passed to jobs and crawlers through `context`.")),
            ("tags_all", attr(string_map(), Computed, "Every tag the children carry: `default_tags`, `tags`, `flywheel:pipeline`, `flywheel:managed-by`, and `flywheel:owner` (the `owner_id`; not on adopted buckets).")),
            ("role_arn", attr(string(), Computed, "ARN of the Glue role (with its path: `arn:aws:iam::<account>:role<path><name>`).")),
            ("database_name", attr(string(), Computed, "Name of the Glue catalog database.")),
            ("data_bucket_arn", attr(string(), Computed, "ARN of the data bucket.")),
            ("assets_bucket_arn", attr(string(), Computed, "ARN of the Glue assets bucket.")),
            ("analysis_bucket_arn", attr(string(), Computed, "ARN of the analysis bucket.")),
            ("context", attr(context::attribute_type(), Computed, "What jobs and crawlers need from the environment, for their `pipeline` argument: `role_arn`, `database`, `data_bucket`, `assets_bucket`, `analysis_bucket`, `scripts_prefix` (`scripts/`), `temp_dir` (`s3://<assets>/temporary/`), `spark_event_logs_path` (`s3://<assets>/sparkHistoryLogs/`) and `tags`.")),
            ("managed_objects", attr(crate::resources::managed::attribute_type(), Computed, crate::resources::managed::DESCRIPTION)),
            ("owner_id", attr(string(), Computed, "This pipeline's identity: made at its first apply (or import), kept in state, and written as the tag `flywheel:owner` on the role, the database and the buckets it created, and as `flywheel:pipeline-owner` on its jobs and crawlers (through `context`). The pipeline changes or deletes only objects that carry it (or, for objects in its state, no identity at all); another Terraform state cannot reproduce it by copying configuration. See the ownership guide.")),
            ("alerts_topic_arn", attr(string(), Computed, "ARN of the SNS topic alerts go to (the created one, or `alerts.sns_topic_arn`); null without `alerts`.")),
            ("children", attr(string_map(), Computed, "Every child object, by terraform-provider-aws address (`aws_s3_bucket_policy.<bucket>`, `aws_iam_role_policy.<role>:<policy>`, ...), with its status as last read: `ok`, `missing`, `differs: <how>` or `not in the configuration` (an inline policy or attachment on the role that the configuration does not name, which apply removes). Plans propose `ok` for each, so drift shows as a change naming the child, and apply repairs it.")),
        ],
        [
            ("database", NestedBlock::Group(block(
                "The Glue catalog database.",
                [
                    ("name", attr(string(), OptionalComputed, "Database name: lowercase letters, digits, `_` and `-` (Glue lowercases names, so uppercase is rejected). Defaults to `<name>_<environment>` with hyphens as underscores. Changing it replaces the pipeline.")),
                    ("description", attr(string(), OptionalComputed, "Database description.")),
                ],
                [],
            ))),
            ("role", NestedBlock::Group(block(
                "The IAM role Glue jobs and crawlers run as: trusted by `glue.amazonaws.com`, with a least-privilege inline policy (`flywheel-pipeline-access`) and AWSGlueServiceRole attached. Inline policies and attachments the configuration does not name are drift: plans name them and apply removes them. See the security guide.",
                [
                    ("name", attr(string(), OptionalComputed, "Role name (1 to 64 letters, digits and `+=,.@_-`). Defaults to `<name>-<environment>-glue-role`. Changing it replaces the pipeline.")),
                    ("path", attr(string(), OptionalComputed, "IAM path of the role: `/` (the default) or a path that starts and ends with `/` (for example `/flywheel/`), up to 512 printable ASCII characters without spaces. It is part of the role's ARN (`role_arn`, `context.role_arn`), so a deployer policy can be scoped to `role/flywheel/*`. IAM cannot move a role, so changing it replaces the pipeline.")),
                    ("permissions_boundary", attr(string(), OptionalComputed, "ARN of a managed policy set as the role's permissions boundary (`arn:aws:iam::<account>:policy/<name>` or `arn:aws:iam::aws:policy/<name>`): the role can then never do more than it allows, whatever is attached. Set when the role is created and kept in place: removing it from the role, or changing it, shows in the plan and apply restores it. Removing the attribute removes the boundary (which a deployer policy that requires one refuses).")),
                    ("confused_deputy_conditions", attr(bool(), OptionalComputed, "`true` adds the confused-deputy conditions `aws:SourceAccount` (this account) and `aws:SourceArn` (Glue resources of this account and region) to the role's trust policy. Default `false`: the trust policy is the one AWS documents for Glue, `glue.amazonaws.com` with `sts:AssumeRole` and no condition. AWS does not document Glue sending these keys when it assumes a job's or crawler's role, and a condition on a key the request lacks is false, so Glue could then fail to assume the role; turn it on only after checking in your own account that jobs and crawlers still start.")),
                    ("attach_glue_service_role", attr(bool(), OptionalComputed, "`true` (default): attach the AWS managed policy AWSGlueServiceRole. `false`: do not attach it (and detach it if attached); the inline policy instead grants the Data Catalog actions crawlers and jobs need (read tables and partitions; create, update and delete tables and partitions) on this pipeline's catalog database and its tables only. AWSGlueServiceRole grants `glue:*` on every resource and more; without it, jobs that use Glue connections or other databases need those permissions in `managed_policy_arns`.")),
                    ("managed_policy_arns", attr(string_set(), OptionalComputed, "Managed policies to attach beyond AWSGlueServiceRole (which `attach_glue_service_role` controls; do not list it here). Attachments not listed are detached.")),
                    ("inline_policies", attr(string_map(), OptionalComputed, "Inline policies on the role besides the pipeline's own, by name: each a JSON policy document (`jsonencode({...})`). Managed like the pipeline's: created, compared on every refresh (a changed document is drift) and deleted when dropped from the map. Import reads every other inline policy of the role into it, so adopting a role keeps the permissions its jobs rely on; drop an entry to remove that policy. IAM limits a role's inline policies to 10,240 characters in all.")),
                ],
                [],
            ))),
            ("data_bucket", bucket_block("The data bucket: raw inputs and cleanroom outputs. When the pipeline creates it, its objects move to the Intelligent-Tiering storage class unless `intelligent_tiering = false`.")),
            ("assets_bucket", bucket_block("The Glue assets bucket: `scripts/`, `temporary/` and `sparkHistoryLogs/`.")),
            ("analysis_bucket", bucket_block("The analysis bucket.")),
            ("alerts", alerts_block()),
        ],
    )
}
