//! `flywheel_pipeline` ownership, checked in the emulator: a second workspace with the same
//! configuration takes nothing over and its destroy deletes nothing of the first; leftovers
//! of a killed apply are refused with an import command that, once run, converges; lost
//! answers to CreateRole, CreateDatabase and CreateBucket converge in one apply; a catalog
//! database holding tables survives destroy without `force_destroy`; and a state written by
//! 0.1.0 gains its identity on the next apply, and nothing else.

use std::path::Path;

use anyhow::{anyhow, ensure, Context as _, Result};
use serde_json::Value as Json;

use crate::harness::case::unwrap_diagnostics;
use crate::harness::terraform::PlanOutcome;
use crate::harness::*;
use crate::pipeline::{
    bucket_exists, bucket_tags, check_nothing_left, config, control, database_description,
    role_exists, Cfg, Names,
};

const ADDR: &str = "flywheel_pipeline.test";
const OWNER_TAG: &str = "flywheel:owner";

/// Runs `case` in a temporary directory, keeping it (and saying where) when it fails.
async fn run_case<F, Fut>(name: &str, case: F)
where
    F: FnOnce(std::path::PathBuf) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    if !acceptance_enabled(name) {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let root = tempfile::Builder::new()
        .prefix(&format!("flywheel-acc-{name}-"))
        .tempdir()
        .expect("temp dir");
    if let Err(e) = case(root.path().to_path_buf()).await {
        let kept = root.keep();
        panic!(
            "{name} failed; working files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

fn created_only() -> Cfg {
    Cfg {
        adopt_data: false,
        ..Cfg::default()
    }
}

async fn apply(w: &Workdir) -> Result<Run> {
    w.run(&["apply", "-no-color", "-input=false", "-auto-approve"])
        .await
}

async fn apply_ok(w: &Workdir) -> Result<Run> {
    w.run_ok(&["apply", "-no-color", "-input=false", "-auto-approve"])
        .await
}

async fn destroy_ok(w: &Workdir) -> Result<Run> {
    w.run_ok(&["destroy", "-no-color", "-input=false", "-auto-approve"])
        .await
}

async fn expect_empty_plan(w: &Workdir) -> Result<()> {
    let (outcome, run) = w.plan(&[]).await?;
    ensure!(
        outcome == PlanOutcome::Empty,
        "expected an empty plan:\n{}",
        run.describe()
    );
    Ok(())
}

/// The pipeline's `owner_id` in this working directory's state.
async fn owner_id(w: &Workdir) -> Result<String> {
    owner_id_of(w, ADDR).await
}

async fn owner_id_of(w: &Workdir, addr: &str) -> Result<String> {
    let state = w.state().await?;
    state
        .attr(addr, "owner_id")?
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| anyhow!("no owner_id in state"))
}

async fn role_tag(aws: &Clients, role: &str, key: &str) -> Result<Option<String>> {
    let out = aws.iam.list_role_tags().role_name(role).send().await?;
    Ok(out
        .tags()
        .iter()
        .find(|t| t.key() == key)
        .map(|t| t.value().to_string()))
}

async fn database_arn(db: &str) -> Result<String> {
    Ok(format!(
        "arn:aws:glue:us-east-1:{}:database/{db}",
        emulator_account_id().await?
    ))
}

async fn database_tag(aws: &Clients, db: &str, key: &str) -> Result<Option<String>> {
    let out = aws
        .glue
        .get_tags()
        .resource_arn(database_arn(db).await?)
        .send()
        .await?;
    Ok(out.tags().and_then(|t| t.get(key)).cloned())
}

async fn bucket_tag(aws: &Clients, b: &str, key: &str) -> Result<Option<String>> {
    Ok(bucket_tags(aws, b)
        .await?
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v))
}

/// Every object the pipeline created carries `flywheel:owner = owner`.
async fn check_owned_by(aws: &Clients, n: &Names, owner: &str) -> Result<()> {
    let want = Some(owner.to_string());
    ensure!(
        role_tag(aws, &n.role, OWNER_TAG).await? == want,
        "role {} is not tagged {owner}",
        n.role
    );
    ensure!(
        database_tag(aws, &n.database, OWNER_TAG).await? == want,
        "database {} is not tagged {owner}",
        n.database
    );
    for b in n.buckets() {
        ensure!(
            bucket_tag(aws, b, OWNER_TAG).await? == want,
            "bucket {b} is not tagged {owner}"
        );
    }
    Ok(())
}

/// Every tag of the role, the database and the buckets, to compare before and after.
async fn all_tags(aws: &Clients, n: &Names) -> Result<Vec<Vec<(String, String)>>> {
    let mut out = Vec::new();
    let mut role: Vec<(String, String)> = aws
        .iam
        .list_role_tags()
        .role_name(&n.role)
        .send()
        .await?
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    role.sort();
    out.push(role);
    let db = aws
        .glue
        .get_tags()
        .resource_arn(database_arn(&n.database).await?)
        .send()
        .await?;
    out.push(
        db.tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .map(|mut v: Vec<_>| {
                v.sort();
                v
            })
            .unwrap_or_default(),
    );
    for b in n.buckets() {
        let mut t = bucket_tags(aws, b).await?;
        t.sort();
        out.push(t);
    }
    Ok(out)
}

/// The lines of a failed run's diagnostics, unwrapped, for matching.
fn errors(run: &Run) -> String {
    unwrap_diagnostics(&run.output())
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_second_workspace_takes_nothing_over() {
    run_case("pipeline_second_workspace", |root| async move {
        let aws = clients().await;
        let n = Names::new("own2ws");
        let hcl = config(&n, &created_only());
        let tf = Terraform::new(&root)?;
        let a = tf.workdir("a")?;
        let b = tf.workdir("b")?;
        a.write_config(&hcl)?;
        b.write_config(&hcl)?;
        apply_ok(&a).await?;
        let owner = owner_id(&a).await?;
        check_owned_by(&aws, &n, &owner).await?;

        // B fails before changing anything, and says how to import.
        let before = all_tags(&aws, &n).await?;
        let run = apply(&b).await?;
        ensure!(!run.success(), "B's apply succeeded:\n{}", run.describe());
        let text = errors(&run);
        for want in [
            format!("aws_iam_role.{} is not this resource's", n.role),
            format!(
                "aws_glue_catalog_database.{} is not this resource's",
                n.database
            ),
            format!("aws_s3_bucket.{} is not this resource's", n.assets),
            format!("terraform import flywheel_pipeline.<name> 'name={}", n.name),
            "Nothing was changed.".to_string(),
        ] {
            ensure!(text.contains(&want), "B's error lacks {want:?}:\n{text}");
        }
        ensure!(
            all_tags(&aws, &n).await? == before,
            "B's failed apply changed tags"
        );
        ensure!(
            b.state().await?.managed_addresses().is_empty(),
            "B's state records the pipeline"
        );

        // B's destroy deletes nothing of A's; A plans empty and destroys cleanly.
        destroy_ok(&b).await?;
        ensure!(
            role_exists(&aws, &n.role).await?,
            "B's destroy deleted A's role"
        );
        for bucket in n.buckets() {
            ensure!(
                bucket_exists(&aws, bucket).await?,
                "B's destroy deleted {bucket}"
            );
        }
        check_owned_by(&aws, &n, &owner).await?;
        expect_empty_plan(&a).await?;
        destroy_ok(&a).await?;
        check_nothing_left(&aws, &n, false).await
    })
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_foreign_owner_is_never_changed_or_deleted() {
    run_case("pipeline_foreign_owner", |root| async move {
        let aws = clients().await;
        let n = Names::new("ownforeign");
        let tf = Terraform::new(&root)?;
        let w = tf.workdir("w")?;
        w.write_config(&config(&n, &created_only()))?;
        apply_ok(&w).await?;
        // Another state's identity appears on the role (say it was recreated elsewhere).
        let other = "f".repeat(32);
        aws.iam
            .tag_role()
            .role_name(&n.role)
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key(OWNER_TAG)
                    .value(&other)
                    .build()?,
            )
            .send()
            .await?;
        // An update is refused for the role, and the role keeps the other identity.
        w.write_config(&config(
            &n,
            &Cfg {
                team: "platform",
                ..created_only()
            },
        ))?;
        let run = apply(&w).await?;
        ensure!(
            !run.success(),
            "the update went through:\n{}",
            run.describe()
        );
        ensure!(
            errors(&run).contains(&format!("flywheel:owner = \"{other}\"")),
            "{}",
            errors(&run)
        );
        ensure!(role_tag(&aws, &n.role, OWNER_TAG).await?.as_deref() == Some(other.as_str()));
        ensure!(role_tag(&aws, &n.role, "team").await?.as_deref() == Some("data"));
        // So is the destroy, which deletes nothing at all.
        let run = w
            .run(&["destroy", "-no-color", "-input=false", "-auto-approve"])
            .await?;
        ensure!(
            !run.success(),
            "the destroy went through:\n{}",
            run.describe()
        );
        ensure!(role_exists(&aws, &n.role).await?, "the role was deleted");
        ensure!(
            database_description(&aws, &n.database).await?.is_some(),
            "the database was deleted"
        );
        // With the identity back, the destroy completes.
        let owner = owner_id(&w).await?;
        aws.iam
            .tag_role()
            .role_name(&n.role)
            .tags(
                aws_sdk_iam::types::Tag::builder()
                    .key(OWNER_TAG)
                    .value(&owner)
                    .build()?,
            )
            .send()
            .await?;
        destroy_ok(&w).await?;
        check_nothing_left(&aws, &n, false).await
    })
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_killed_apply_leftovers_import_and_converge() {
    run_case("pipeline_killed_leftovers", |root| async move {
        let aws = clients().await;
        let n = Names::new("ownkill");
        let hcl = config(&n, &created_only());
        let tf = Terraform::new(&root)?;
        // The objects of an apply whose state never got written (its process was killed).
        let lost = tf.workdir("lost")?;
        lost.write_config(&hcl)?;
        apply_ok(&lost).await?;
        let left_owner = owner_id(&lost).await?;
        std::fs::remove_file(lost.dir.join("terraform.tfstate"))?;

        let w = tf.workdir("w")?;
        w.write_config(&hcl)?;
        let run = apply(&w).await?;
        ensure!(
            !run.success(),
            "the apply took the leftovers over:\n{}",
            run.describe()
        );
        let text = run.output();
        let id = regex::Regex::new(r"terraform import flywheel_pipeline\.<name> '([^']+)'")?
            .captures(&text)
            .map(|c| c[1].to_string())
            .ok_or_else(|| anyhow!("no import command in:\n{text}"))?;
        w.run_ok(&["import", "-no-color", "-input=false", ADDR, &id])
            .await?;
        // The import takes the identity the leftovers carry: nothing to retag, and the
        // created buckets are the pipeline's (not adopted).
        ensure!(
            owner_id(&w).await? == left_owner,
            "import made another identity"
        );
        let state = w.state().await?;
        ensure!(
            state
                .attr(ADDR, "assets_bucket.create")?
                .and_then(|v| v.as_bool())
                == Some(true),
            "the imported assets bucket is not marked created"
        );
        apply_ok(&w).await?;
        expect_empty_plan(&w).await?;
        check_owned_by(&aws, &n, &left_owner).await?;
        destroy_ok(&w).await?;
        check_nothing_left(&aws, &n, false).await
    })
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_lost_answers_converge_in_one_apply() {
    run_case("pipeline_lost_answers", |root| async move {
        let aws = clients().await;
        let n = Names::new("ownlost");
        // The backend acts, then the answer is lost: as a 500 for IAM and Glue, and as a
        // dropped connection for S3.
        let faults = serde_json::json!([
            {"service": "iam", "operation": "CreateRole", "match": n.role, "lost_response": true, "status": 500},
            {"service": "glue", "operation": "CreateDatabase", "match": n.database, "lost_response": true, "status": 500},
            {"service": "s3", "operation": "CreateBucket", "match": n.assets, "lost_response": true, "drop": true},
            {"service": "s3", "operation": "CreateBucket", "match": n.analysis, "lost_response": true, "status": 500},
        ]);
        let added: Json = serde_json::from_str(&control("POST", "/_flywheel/faults", &faults.to_string())?)?;
        let ids: Vec<u64> = added["faults"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["id"].as_u64())
            .collect();
        ensure!(ids.len() == 4, "faults not armed: {added}");
        let tf = Terraform::new(&root)?;
        let w = tf.workdir("w")?;
        w.write_config(&config(&n, &created_only()))?;
        let run = apply(&w).await?;
        // Each fault (count 1) fired once: the log holds an answer it replaced.
        let log: Json = serde_json::from_str(&control("GET", "/_flywheel/requests", "")?)?;
        for id in &ids {
            let fired: Vec<&Json> = log["requests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|r| r["fault"].as_u64() == Some(*id) && r["lost_response"] == Json::Bool(true))
                .collect();
            ensure!(fired.len() == 1, "fault {id} fired {} times", fired.len());
        }
        ensure!(run.success(), "{}", run.describe());
        expect_empty_plan(&w).await?;
        let owner = owner_id(&w).await?;
        check_owned_by(&aws, &n, &owner).await?;
        destroy_ok(&w).await?;
        check_nothing_left(&aws, &n, false).await
    })
    .await;
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_database_with_tables_survives_destroy() {
    run_case("pipeline_database_tables", |root| async move {
        let aws = clients().await;
        let n = Names::new("owntables");
        let tf = Terraform::new(&root)?;
        let w = tf.workdir("w")?;
        w.write_config(&config(&n, &created_only()))?;
        apply_ok(&w).await?;
        // A table nothing in Terraform made (an Athena CTAS result, say).
        aws.glue
            .create_table()
            .database_name(&n.database)
            .table_input(
                aws_sdk_glue::types::TableInput::builder()
                    .name("ctas_result")
                    .build()?,
            )
            .send()
            .await?;
        let run = w
            .run(&["destroy", "-no-color", "-input=false", "-auto-approve"])
            .await?;
        ensure!(!run.success(), "destroy went through:\n{}", run.describe());
        let text = errors(&run);
        ensure!(
            text.contains(&format!(
                "the Glue database \"{}\" holds 1 table (\"ctas_result\")",
                n.database
            )),
            "{text}"
        );
        ensure!(
            database_description(&aws, &n.database).await?.is_some(),
            "database deleted"
        );
        aws.glue
            .get_table()
            .database_name(&n.database)
            .name("ctas_result")
            .send()
            .await
            .context("the table is gone")?;
        ensure!(role_exists(&aws, &n.role).await?, "the role was deleted");
        // With force_destroy, it goes, with its table.
        w.write_config(&config(
            &n,
            &Cfg {
                force_destroy: true,
                ..created_only()
            },
        ))?;
        apply_ok(&w).await?;
        destroy_ok(&w).await?;
        check_nothing_left(&aws, &n, false).await
    })
    .await;
}

/// The fixture: a state 0.1.0 wrote for `pipeline.tf.txt`, with its names and account
/// replaced by placeholders (see tests/fixtures/state-0.1.0/README.md).
fn state_from_0_1_0(n_name: &str, account: &str) -> Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/state-0.1.0/pipeline.tfstate.json");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    Ok(text
        .replace("__NAME__", n_name)
        .replace("__DB__", &n_name.replace('-', "_"))
        .replace("__ACCOUNT__", account))
}

#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_state_from_0_1_0_gains_its_identity() {
    run_case("pipeline_state_0_1_0", |root| async move {
        let aws = clients().await;
        let name = unique_name("own010");
        // The fixture's configuration: default names from `name`.
        let hcl = format!("resource \"flywheel_pipeline\" \"p\" {{\n  name          = \"{name}\"\n  force_destroy = false\n}}\n");
        let tf = Terraform::new(&root)?;
        // The objects 0.1.0 made: what this provider makes, less the identity.
        let maker = tf.workdir("maker")?;
        maker.write_config(&hcl)?;
        apply_ok(&maker).await?;
        std::fs::remove_file(maker.dir.join("terraform.tfstate"))?;
        let role = format!("{name}-glue-role");
        let db = name.replace('-', "_");
        let buckets = ["data", "assets", "analysis"].map(|b| format!("{name}-{b}"));
        aws.iam.untag_role().role_name(&role).tag_keys(OWNER_TAG).send().await?;
        aws.glue
            .untag_resource()
            .resource_arn(database_arn(&db).await?)
            .tags_to_remove(OWNER_TAG)
            .send()
            .await?;
        for b in &buckets {
            let keep: Vec<aws_sdk_s3::types::Tag> = bucket_tags(&aws, b)
                .await?
                .into_iter()
                .filter(|(k, _)| k != OWNER_TAG)
                .map(|(k, v)| aws_sdk_s3::types::Tag::builder().key(k).value(v).build())
                .collect::<std::result::Result<_, _>>()?;
            aws.s3
                .put_bucket_tagging()
                .bucket(b)
                .tagging(aws_sdk_s3::types::Tagging::builder().set_tag_set(Some(keep)).build()?)
                .send()
                .await?;
            ensure!(bucket_tag(&aws, b, OWNER_TAG).await?.is_none());
        }

        let w = tf.workdir("w")?;
        w.write_config(&hcl)?;
        std::fs::write(
            w.dir.join("terraform.tfstate"),
            state_from_0_1_0(&name, &emulator_account_id().await?)?,
        )?;
        // The plan: an update that adds the identity, and nothing else.
        let planfile = w.dir.join("upgrade.tfplan");
        let planfile_s = planfile.to_string_lossy().to_string();
        let (outcome, run) = w.plan(&["-out", &planfile_s]).await?;
        ensure!(outcome == PlanOutcome::Changes, "{}", run.describe());
        let plan = w.plan_json(&planfile).await?;
        let change = plan["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["address"] == "flywheel_pipeline.p")
            .ok_or_else(|| anyhow!("no change for the pipeline: {plan}"))?;
        ensure!(change["change"]["actions"] == serde_json::json!(["update"]), "{change}");
        let (before, after) = (&change["change"]["before"], &change["change"]["after"]);
        let unknown = &change["change"]["after_unknown"];
        let mut changed: Vec<String> = Vec::new();
        fn any_unknown(v: &Json) -> bool {
            match v {
                Json::Bool(b) => *b,
                Json::Array(a) => a.iter().any(any_unknown),
                Json::Object(o) => o.values().any(any_unknown),
                _ => false,
            }
        }
        for (k, v) in before.as_object().into_iter().flatten() {
            if after.get(k) != Some(v) || unknown.get(k).is_some_and(any_unknown) {
                changed.push(k.clone());
            }
        }
        changed.sort();
        // Besides the identity: each bucket block gains `intelligent_tiering` (resolved at
        // plan) and `managed_objects` the buckets' Object Ownership, which 0.1.0 lacked.
        ensure!(
            changed
                == [
                    "analysis_bucket",
                    "assets_bucket",
                    "context",
                    "data_bucket",
                    "managed_objects",
                    "owner_id",
                    "tags_all"
                ],
            "the upgrade plan changes {changed:?}:\n{change:#}"
        );
        ensure!(unknown["owner_id"] == Json::Bool(true), "{unknown}");
        ensure!(unknown["tags_all"][OWNER_TAG] == Json::Bool(true), "{unknown}");
        w.run_ok(&["apply", "-no-color", "-input=false", &planfile_s]).await?;
        let owner = owner_id_of(&w, "flywheel_pipeline.p").await?;
        // Terraform upgraded the state through the provider: it is now at version 1.
        let written: Json =
            serde_json::from_str(&std::fs::read_to_string(w.dir.join("terraform.tfstate"))?)?;
        ensure!(
            written["resources"][0]["instances"][0]["schema_version"] == 1,
            "the state was not upgraded to schema version 1"
        );
        ensure!(role_tag(&aws, &role, OWNER_TAG).await? == Some(owner.clone()));
        ensure!(database_tag(&aws, &db, OWNER_TAG).await? == Some(owner.clone()));
        for b in &buckets {
            ensure!(bucket_tag(&aws, b, OWNER_TAG).await? == Some(owner.clone()), "{b}");
        }
        expect_empty_plan(&w).await?;
        destroy_ok(&w).await?;
        ensure!(!role_exists(&aws, &role).await?, "role left");
        for b in &buckets {
            ensure!(!bucket_exists(&aws, b).await?, "bucket {b} left");
        }
        Ok(())
    })
    .await;
}
