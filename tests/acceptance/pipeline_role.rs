//! `flywheel_pipeline`'s Glue role, checked in the emulator through the SDK after each step:
//! the trust policy AWS documents by default and the confused-deputy conditions on request
//! (also over a role an earlier version made with them); the role's path in every ARN, and
//! its permissions boundary set, drifted, changed and removed; inline policies and
//! attachments the configuration does not name, named by the plan and removed by apply
//! (beyond one page of ListRolePolicies, and after an import); the role without
//! AWSGlueServiceRole, whose inline policy grants this pipeline's catalog instead; and
//! offline validation of every new setting.

use anyhow::{anyhow, ensure, Context as _, Result};
use serde_json::{json, Value as Json};

use crate::harness::terraform::PlanOutcome;
use crate::harness::*;
use crate::pipeline::{check_nothing_left, config, Cfg, Names};

const ADDR: &str = "flywheel_pipeline.test";
const INLINE: &str = "flywheel-pipeline-access";
const GLUE_SERVICE_ROLE: &str = "arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole";

/// The acceptance configuration with `attrs` inside the `role` block.
fn config_with_role(n: &Names, attrs: &str) -> String {
    let base = config(
        n,
        &Cfg {
            adopt_data: false,
            ..Cfg::default()
        },
    );
    assert!(base.contains("role {}"), "{base}");
    base.replace("role {}", &format!("role {{\n    {attrs}\n  }}"))
}

/// A child's entry in the plan's `children` map, as a regex.
fn child(kind: &str, id: &str) -> String {
    regex::escape(&format!("\"{kind}.{id}\""))
}

/// IAM percent-encodes policy documents; the SDK hands them over as sent.
fn decode(text: &str) -> Result<Json> {
    serde_json::from_str(text)
        .or_else(|_| {
            let mut out = Vec::new();
            let b = text.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' && i + 2 < b.len() {
                    if let Ok(v) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                }
                out.push(b[i]);
                i += 1;
            }
            serde_json::from_slice(&out)
        })
        .with_context(|| format!("policy document {text:?}"))
}

fn statements(doc: &Json) -> Vec<Json> {
    match &doc["Statement"] {
        Json::Array(a) => a.clone(),
        v @ Json::Object(_) => vec![v.clone()],
        _ => vec![],
    }
}

/// GetRole, read directly in the emulator.
async fn get_role(aws: &Clients, role: &str) -> Result<aws_sdk_iam::types::Role> {
    aws.iam
        .get_role()
        .role_name(role)
        .send()
        .await
        .with_context(|| format!("GetRole {role}"))?
        .role
        .ok_or_else(|| anyhow!("GetRole {role}: no role"))
}

/// The role's trust policy (AssumeRolePolicyDocument) as GetRole returns it.
async fn trust_policy(aws: &Clients, role: &str) -> Result<Json> {
    let r = get_role(aws, role).await?;
    decode(r.assume_role_policy_document().unwrap_or("{}"))
}

/// The trust policy is the documented one: glue.amazonaws.com, sts:AssumeRole, no condition.
fn ensure_documented_trust(doc: &Json) -> Result<()> {
    let st = statements(doc);
    ensure!(st.len() == 1, "one statement expected: {doc}");
    let s = &st[0];
    ensure!(s["Effect"] == "Allow", "{doc}");
    let principal = &s["Principal"]["Service"];
    ensure!(
        principal == "glue.amazonaws.com" || *principal == json!(["glue.amazonaws.com"]),
        "{doc}"
    );
    ensure!(
        s["Action"] == "sts:AssumeRole" || s["Action"] == json!(["sts:AssumeRole"]),
        "{doc}"
    );
    ensure!(s.get("Condition").is_none(), "a condition is left: {doc}");
    Ok(())
}

/// The trust policy has the confused-deputy conditions for this account and region.
fn ensure_guarded_trust(doc: &Json, account: &str) -> Result<()> {
    let st = statements(doc);
    ensure!(st.len() == 1, "{doc}");
    let c = &st[0]["Condition"];
    let one = |v: &Json| match v {
        Json::Array(a) if a.len() == 1 => a[0].clone(),
        other => other.clone(),
    };
    ensure!(
        one(&c["StringEquals"]["aws:SourceAccount"]) == account,
        "{doc}"
    );
    ensure!(
        one(&c["ArnLike"]["aws:SourceArn"]) == format!("arn:aws:glue:us-east-1:{account}:*"),
        "{doc}"
    );
    Ok(())
}

async fn inline_policy_names(aws: &Clients, role: &str) -> Result<Vec<String>> {
    let mut names = Vec::new();
    let mut marker = None;
    loop {
        let out = aws
            .iam
            .list_role_policies()
            .role_name(role)
            .set_marker(marker)
            .send()
            .await
            .context("ListRolePolicies")?;
        names.extend(out.policy_names().iter().cloned());
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(names),
        }
    }
}

async fn attached(aws: &Clients, role: &str) -> Result<Vec<String>> {
    let out = aws
        .iam
        .list_attached_role_policies()
        .role_name(role)
        .send()
        .await
        .context("ListAttachedRolePolicies")?;
    Ok(out
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect())
}

async fn pipeline_policy(aws: &Clients, role: &str) -> Result<Json> {
    let out = aws
        .iam
        .get_role_policy()
        .role_name(role)
        .policy_name(INLINE)
        .send()
        .await
        .context("GetRolePolicy")?;
    decode(out.policy_document())
}

/// A wide policy someone put on the role by hand, as JSON and as the HCL object that
/// `jsonencode` turns into it.
const WIDE: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
const WIDE_HCL: &str = r#"{ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] }"#;

async fn put_inline(aws: &Clients, role: &str, name: &str) -> Result<()> {
    let wide = WIDE;
    aws.iam
        .put_role_policy()
        .role_name(role)
        .policy_name(name)
        .policy_document(wide)
        .send()
        .await
        .with_context(|| format!("PutRolePolicy {name}"))?;
    Ok(())
}

/// A customer managed policy to use as a permissions boundary; returns its ARN.
async fn create_boundary(aws: &Clients, name: &str) -> Result<String> {
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","glue:*","logs:*","cloudwatch:PutMetricData"],"Resource":"*"}]}"#;
    let out = aws
        .iam
        .create_policy()
        .policy_name(name)
        .policy_document(doc)
        .send()
        .await
        .with_context(|| format!("CreatePolicy {name}"))?;
    out.policy
        .and_then(|p| p.arn)
        .ok_or_else(|| anyhow!("CreatePolicy {name}: no ARN"))
}

async fn delete_policy(aws: &Clients, arn: &str) -> Result<()> {
    aws.iam
        .delete_policy()
        .policy_arn(arn)
        .send()
        .await
        .with_context(|| format!("DeletePolicy {arn}"))?;
    Ok(())
}

/// The role's permissions boundary ARN, read with GetRole.
async fn boundary(aws: &Clients, role: &str) -> Result<Option<String>> {
    Ok(get_role(aws, role)
        .await?
        .permissions_boundary()
        .and_then(|b| b.permissions_boundary_arn())
        .map(str::to_string))
}

// ---------------------------------------------------------------------------------------
// Tests

/// The default trust policy is the one AWS documents (no condition Glue may not send); a
/// role an earlier version made with the conditions plans an in-place update naming its
/// trust policy, and apply removes them; `confused_deputy_conditions` adds them and taking
/// it out removes them again. Each step reads GetRole's AssumeRolePolicyDocument.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_trust_policy_is_the_documented_one() {
    if !acceptance_enabled("pipeline_role_trust_policy_is_the_documented_one") {
        return;
    }
    let n = Names::new("fw-trust");
    let account = emulator_account_id().await.expect("account");
    let plain = config_with_role(&n, "");
    let guarded = config_with_role(&n, "confused_deputy_conditions = true");
    let documented = |n: &Names| {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move { ensure_documented_trust(&trust_policy(&ctx.aws, &role).await?) }
        }
    };
    let with_conditions = {
        let (role, account) = (n.role.clone(), account.clone());
        move |ctx: Ctx| {
            let (role, account) = (role.clone(), account.clone());
            async move { ensure_guarded_trust(&trust_policy(&ctx.aws, &role).await?, &account) }
        }
    };
    // What provider versions before this one wrote.
    let old_trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Service": "glue.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": format!("arn:aws:glue:us-east-1:{account}:*")}
        }
    }]})
    .to_string();
    let make_old = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let (role, doc) = (role.clone(), old_trust.clone());
            async move {
                ctx.aws
                    .iam
                    .update_assume_role_policy()
                    .role_name(&role)
                    .policy_document(doc)
                    .send()
                    .await
                    .context("UpdateAssumeRolePolicy")?;
                Ok(())
            }
        }
    };
    let role_entry = child("aws_iam_role", &n.role);
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(plain.clone()).emulator_check(documented(&n)))
        // A role made with the conditions (as every earlier version made it).
        .step(
            Step::config(plain.clone())
                .pre_apply(make_old)
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(&format!(
                    r#"{role_entry}\s+= "differs: the trust policy has conditions the configuration does not ask for \(aws:SourceAccount, aws:SourceArn\)" -> "ok""#
                )),
        )
        .step(
            Step::config(plain.clone())
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(documented(&n)),
        )
        .step(
            Step::config(guarded)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(r#"\+ confused_deputy_conditions\s+= true"#)
                .check(check_attr(ADDR, "role.confused_deputy_conditions", "true"))
                .emulator_check(with_conditions),
        )
        .step(
            Step::config(plain)
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(documented(&n)),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// `role.path` is in the role's ARN everywhere (GetRole, `role_arn`, `context.role_arn`),
/// imports back, and changing it replaces the pipeline. `permissions_boundary` is set on
/// CreateRole, restored after it is removed out of band (the plan names the role), changed
/// with PutRolePermissionsBoundary and removed with DeleteRolePermissionsBoundary.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_path_and_permissions_boundary() {
    if !acceptance_enabled("pipeline_role_path_and_permissions_boundary") {
        return;
    }
    let aws = clients().await;
    let n = Names::new("fw-path");
    let account = emulator_account_id().await.expect("account");
    let first = create_boundary(&aws, &format!("{}-boundary-a", n.name))
        .await
        .expect("boundary a");
    let second = create_boundary(&aws, &format!("{}-boundary-b", n.name))
        .await
        .expect("boundary b");
    let with = |path: &str, b: Option<&str>| {
        let mut attrs = format!("path = \"{path}\"");
        if let Some(b) = b {
            attrs.push_str(&format!("\n    permissions_boundary = \"{b}\""));
        }
        config_with_role(&n, &attrs)
    };
    let arn = format!("arn:aws:iam::{account}:role/flywheel/{}", n.role);
    let in_emulator = |want_boundary: Option<String>| {
        let (role, arn) = (n.role.clone(), arn.clone());
        move |ctx: Ctx| {
            let (role, arn, want) = (role.clone(), arn.clone(), want_boundary.clone());
            async move {
                let r = get_role(&ctx.aws, &role).await?;
                ensure!(r.path() == "/flywheel/", "path {:?}", r.path());
                ensure!(r.arn() == arn, "ARN {:?}, want {arn:?}", r.arn());
                let have = boundary(&ctx.aws, &role).await?;
                ensure!(have == want, "permissions boundary {have:?}, want {want:?}");
                Ok(())
            }
        }
    };
    let remove_boundary = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                ctx.aws
                    .iam
                    .delete_role_permissions_boundary()
                    .role_name(&role)
                    .send()
                    .await
                    .context("DeleteRolePermissionsBoundary")?;
                Ok(())
            }
        }
    };
    let role_entry = child("aws_iam_role", &n.role);
    let (nx, boundaries) = (n.clone(), [first.clone(), second.clone()]);
    TestCase::new()
        .step(
            Step::config(with("/flywheel/", Some(&first)))
                .checks([
                    check_attr(ADDR, "role_arn", &arn),
                    check_attr(ADDR, "context.role_arn", &arn),
                    check_attr(ADDR, "role.path", "/flywheel/"),
                    check_attr(ADDR, "role.permissions_boundary", &first),
                ])
                .emulator_check(in_emulator(Some(first.clone()))),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        // The boundary removed behind Terraform's back: the plan names the role.
        .step(
            Step::config(with("/flywheel/", Some(&first)))
                .pre_apply(remove_boundary)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(&format!(
                    r#"{role_entry}\s+= "differs: permissions boundary is none, want {}""#,
                    regex::escape(&first)
                ))
                .emulator_check(in_emulator(Some(first.clone()))),
        )
        .step(
            Step::config(with("/flywheel/", Some(&second)))
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(in_emulator(Some(second.clone()))),
        )
        .step(
            Step::config(with("/flywheel/", None))
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(in_emulator(None)),
        )
        // IAM cannot move a role: another path replaces the pipeline.
        .step(
            Step::config(with("/flywheel-other/", None))
                .plan_only()
                .expect_non_empty_plan()
                .expect_resource_action(ADDR, &["delete", "create"])
                .expect_plan_text(r"path\s+= .*# forces replacement"),
        )
        .check_destroy(move |ctx| {
            let (n, boundaries) = (nx.clone(), boundaries.clone());
            async move {
                check_nothing_left(&ctx.aws, &n, false).await?;
                for b in &boundaries {
                    delete_policy(&ctx.aws, b).await?;
                }
                Ok(())
            }
        })
        .run()
        .await;
}

/// An inline policy and a managed policy attached out of band: the plan names both, apply
/// removes both (checked in the emulator), and the next plan is empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_removes_inline_policies_and_attachments_it_does_not_want() {
    if !acceptance_enabled("pipeline_role_removes_inline_policies_and_attachments_it_does_not_want")
    {
        return;
    }
    let n = Names::new("fw-extra");
    let hcl = config_with_role(&n, "");
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    let grant = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                put_inline(&ctx.aws, &role, "backdoor").await?;
                ctx.aws
                    .iam
                    .attach_role_policy()
                    .role_name(&role)
                    .policy_arn(admin)
                    .send()
                    .await
                    .context("AttachRolePolicy")?;
                Ok(())
            }
        }
    };
    let only_ours = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                let names = inline_policy_names(&ctx.aws, &role).await?;
                ensure!(names == [INLINE], "inline policies left: {names:?}");
                let arns = attached(&ctx.aws, &role).await?;
                ensure!(arns == [GLUE_SERVICE_ROLE], "attachments left: {arns:?}");
                Ok(())
            }
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(hcl.clone()).emulator_check(only_ours.clone()))
        .step(
            Step::config(hcl)
                .pre_apply(grant)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(&format!(
                    r#"- {}\s+= "not in the configuration""#,
                    child("aws_iam_role_policy", &format!("{}:backdoor", n.role))
                ))
                .expect_plan_text(&format!(
                    r#"- {}\s+= "not in the configuration""#,
                    child(
                        "aws_iam_role_policy_attachment",
                        &format!("{}/{admin}", n.role)
                    )
                ))
                .emulator_check(only_ours),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// More inline policies than one page of ListRolePolicies (100): every one is seen and
/// removed, the last page's too.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_inline_policies_beyond_one_page() {
    if !acceptance_enabled("pipeline_role_inline_policies_beyond_one_page") {
        return;
    }
    let n = Names::new("fw-pages");
    let hcl = config_with_role(&n, "");
    let extra: Vec<String> = (0..101).map(|i| format!("extra-{i:03}")).collect();
    let last = extra.last().cloned().expect("names");
    let put_all = {
        let (role, extra) = (n.role.clone(), extra.clone());
        move |ctx: Ctx| {
            let (role, extra) = (role.clone(), extra.clone());
            async move {
                for name in &extra {
                    put_inline(&ctx.aws, &role, name).await?;
                }
                // The emulator pages as AWS does: the pipeline's own and 101 more.
                let first = ctx
                    .aws
                    .iam
                    .list_role_policies()
                    .role_name(&role)
                    .send()
                    .await?;
                ensure!(
                    first.is_truncated() && first.policy_names().len() == 100,
                    "the emulator does not page ListRolePolicies"
                );
                Ok(())
            }
        }
    };
    let only_ours = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                let names = inline_policy_names(&ctx.aws, &role).await?;
                ensure!(names == [INLINE], "{} inline policies left", names.len());
                Ok(())
            }
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(hcl.clone()))
        .step(
            Step::config(hcl)
                .pre_apply(put_all)
                .expect_resource_action(ADDR, &["update"])
                // The second page's policy (after "extra-0.." and "flywheel-..." sort).
                .expect_plan_text(&child("aws_iam_role_policy", &format!("{}:{last}", n.role)))
                .expect_plan_text(&child(
                    "aws_iam_role_policy",
                    &format!("{}:extra-000", n.role),
                ))
                .emulator_check(only_ours),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// A pipeline imported while its role has an inline policy of its own (one its jobs may
/// rely on): import keeps it, in `role.inline_policies`, so a configuration that lists it
/// plans nothing; one that does not names it, apply deletes it, the next plan is empty.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_import_keeps_inline_policies_until_dropped() {
    let name = "pipeline_role_import_keeps_inline_policies_until_dropped";
    if !acceptance_enabled(name) {
        return;
    }
    emulator_settings().check_reachable().expect("emulator");
    let root = tempfile::Builder::new()
        .prefix("flywheel-acc-role-import-")
        .tempdir()
        .expect("temp dir");
    let n = Names::new("fw-rimp");
    let result = async {
        let aws = clients().await;
        let hcl = config_with_role(&n, "");
        let listed = config_with_role(
            &n,
            &format!("inline_policies = {{ \"added-by-hand\" = jsonencode({WIDE_HCL}) }}"),
        );
        let tf = Terraform::new(root.path())?;
        let w = tf.workdir("w")?;
        w.write_config(&hcl)?;
        w.run_ok(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await?;
        let id = w
            .state()
            .await?
            .attr(ADDR, "id")?
            .and_then(|v| v.as_str().map(str::to_string))
            .ok_or_else(|| anyhow!("no id"))?;
        // The state is lost; the role gains a policy meanwhile; the pipeline is imported.
        std::fs::remove_file(w.dir.join("terraform.tfstate"))?;
        put_inline(&aws, &n.role, "added-by-hand").await?;
        w.write_config(&listed)?;
        w.run_ok(&["import", "-no-color", "-input=false", ADDR, &id])
            .await?;
        let kept = w
            .state()
            .await?
            .attr(ADDR, "role.inline_policies.added-by-hand")?
            .and_then(|v| v.as_str().map(str::to_string));
        ensure!(
            kept.as_deref()
                .map(serde_json::from_str::<Json>)
                .transpose()?
                == Some(serde_json::from_str(WIDE)?),
            "import read back {kept:?}"
        );
        let (outcome, run) = w.plan(&[]).await?;
        ensure!(
            outcome == PlanOutcome::Empty,
            "a configuration listing the policy plans changes after import:\n{}",
            run.describe()
        );
        // Dropped from the configuration: named by the plan, deleted by apply.
        w.write_config(&hcl)?;
        let (outcome, run) = w.plan(&[]).await?;
        ensure!(
            outcome == PlanOutcome::Changes,
            "dropping the policy plans nothing:\n{}",
            run.describe()
        );
        let want = format!(
            r#"- {}\s+= "ok""#,
            child("aws_iam_role_policy", &format!("{}:added-by-hand", n.role))
        );
        ensure!(
            regex::Regex::new(&want)?.is_match(&run.stdout),
            "the plan does not name the policy (/{want}/):\n{}",
            run.describe()
        );
        w.run_ok(&["apply", "-no-color", "-input=false", "-auto-approve"])
            .await?;
        let names = inline_policy_names(&aws, &n.role).await?;
        ensure!(names == [INLINE], "inline policies left: {names:?}");
        let (outcome, run) = w.plan(&[]).await?;
        ensure!(
            outcome == PlanOutcome::Empty,
            "expected an empty plan:\n{}",
            run.describe()
        );
        w.run_ok(&["destroy", "-no-color", "-input=false", "-auto-approve"])
            .await?;
        check_nothing_left(&aws, &n, false).await
    }
    .await;
    if let Err(e) = result {
        let kept = root.keep();
        panic!(
            "{name} failed; working files kept in {}\n\n{e:#}",
            kept.display()
        );
    }
}

/// `role.inline_policies`: created on the role as written, a document edited out of band is
/// drift that apply repairs, invalid names and documents fail at validate naming the entry.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_inline_policies_are_managed() {
    if !acceptance_enabled("pipeline_role_inline_policies_are_managed") {
        return;
    }
    let n = Names::new("fw-rinl");
    let hcl = config_with_role(
        &n,
        &format!("inline_policies = {{ \"legacy-s3\" = jsonencode({WIDE_HCL}) }}"),
    );
    let has_wide = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                let got = ctx
                    .aws
                    .iam
                    .get_role_policy()
                    .role_name(&role)
                    .policy_name("legacy-s3")
                    .send()
                    .await?;
                ensure!(
                    decode(got.policy_document())? == serde_json::from_str::<Json>(WIDE)?,
                    "document {}",
                    got.policy_document()
                );
                Ok(())
            }
        }
    };
    let edited = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                let narrow = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
                ctx.aws
                    .iam
                    .put_role_policy()
                    .role_name(&role)
                    .policy_name("legacy-s3")
                    .policy_document(narrow)
                    .send()
                    .await?;
                Ok(())
            }
        }
    };
    let bad_name = config_with_role(
        &n,
        r#"inline_policies = { "bad name" = jsonencode({ Statement = [{ Action = "s3:*" }] }) }"#,
    );
    let ours = config_with_role(
        &n,
        r#"inline_policies = { "flywheel-pipeline-access" = "{}" }"#,
    );
    let nx = n.clone();
    TestCase::new()
        .step(Step::config(bad_name).validate_only().expect_error(
            r#"role\.inline_policies\["bad name"\]: "bad name" is not an IAM policy name"#,
        ))
        .step(Step::config(ours).validate_only().expect_error(
            r#"role\.inline_policies\["flywheel-pipeline-access"\]: "flywheel-pipeline-access" is the pipeline's own"#,
        ))
        .step(Step::config(hcl.clone()).emulator_check(has_wide.clone()))
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        .step(
            Step::config(hcl)
                .pre_apply(edited)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(&format!(
                    r#"{}\s+= "differs"#,
                    child("aws_iam_role_policy", &format!("{}:legacy-s3", n.role))
                ))
                .emulator_check(has_wide),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// `attach_glue_service_role = false`: nothing attached, and the inline policy grants the
/// Data Catalog actions on this pipeline's catalog, database and tables only. It imports
/// back; the attachment made out of band is named and detached; taking the setting out
/// attaches AWSGlueServiceRole and drops the catalog statements; putting it back detaches.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_without_glue_service_role() {
    if !acceptance_enabled("pipeline_role_without_glue_service_role") {
        return;
    }
    let n = Names::new("fw-noglue");
    let account = emulator_account_id().await.expect("account");
    let without = config_with_role(&n, "attach_glue_service_role = false");
    let with = config_with_role(&n, "");
    let scoped = {
        let (n, account) = (n.clone(), account.clone());
        move |ctx: Ctx| {
            let (n, account) = (n.clone(), account.clone());
            async move {
                let arns = attached(&ctx.aws, &n.role).await?;
                ensure!(arns.is_empty(), "attached: {arns:?}");
                let doc = pipeline_policy(&ctx.aws, &n.role).await?;
                let base = format!("arn:aws:glue:us-east-1:{account}");
                let scope = json!([
                    format!("{base}:catalog"),
                    format!("{base}:database/{}", n.database),
                    format!("{base}:table/{}/*", n.database),
                ]);
                for (sid, action) in [
                    ("CatalogRead", "glue:GetTable"),
                    ("CatalogWrite", "glue:BatchCreatePartition"),
                ] {
                    let st = statements(&doc)
                        .into_iter()
                        .find(|s| s["Sid"] == sid)
                        .ok_or_else(|| anyhow!("no {sid} statement: {doc}"))?;
                    ensure!(st["Resource"] == scope, "{sid}: {st}");
                    let actions = st["Action"].as_array().cloned().unwrap_or_default();
                    ensure!(actions.contains(&json!(action)), "{sid}: {st}");
                    ensure!(
                        !actions
                            .iter()
                            .any(|a| a.as_str().is_some_and(|a| a.ends_with('*'))),
                        "{sid}: {st}"
                    );
                }
                Ok(())
            }
        }
    };
    let attached_again = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                let arns = attached(&ctx.aws, &role).await?;
                ensure!(arns == [GLUE_SERVICE_ROLE], "attached: {arns:?}");
                let doc = pipeline_policy(&ctx.aws, &role).await?.to_string();
                ensure!(!doc.contains("Catalog"), "catalog statements left: {doc}");
                Ok(())
            }
        }
    };
    let attach = {
        let role = n.role.clone();
        move |ctx: Ctx| {
            let role = role.clone();
            async move {
                ctx.aws
                    .iam
                    .attach_role_policy()
                    .role_name(&role)
                    .policy_arn(GLUE_SERVICE_ROLE)
                    .send()
                    .await
                    .context("AttachRolePolicy")?;
                Ok(())
            }
        }
    };
    let nx = n.clone();
    TestCase::new()
        .step(
            Step::config(without.clone())
                .check(check_attr(ADDR, "role.attach_glue_service_role", "false"))
                .emulator_check(scoped.clone()),
        )
        .step(Step::import_state_verify(ImportStateVerify::new(ADDR)))
        .step(
            Step::config(without.clone())
                .pre_apply(attach)
                .expect_resource_action(ADDR, &["update"])
                .expect_plan_text(&format!(
                    r#"- {}\s+= "not in the configuration""#,
                    child(
                        "aws_iam_role_policy_attachment",
                        &format!("{}/{GLUE_SERVICE_ROLE}", n.role)
                    )
                ))
                .emulator_check(scoped.clone()),
        )
        .step(
            Step::config(with)
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(attached_again),
        )
        .step(
            Step::config(without)
                .expect_resource_action(ADDR, &["update"])
                .emulator_check(scoped),
        )
        .check_destroy(move |ctx| {
            let n = nx.clone();
            async move { check_nothing_left(&ctx.aws, &n, false).await }
        })
        .run()
        .await;
}

/// Every new `role` setting is checked at `terraform validate`, naming the attribute.
#[tokio::test]
#[ignore = "acceptance: needs TF_ACC=1 and the emulator; run with --include-ignored"]
async fn pipeline_role_validation_names_the_attribute() {
    if !acceptance_enabled("pipeline_role_validation_names_the_attribute") {
        return;
    }
    let cases = [
        ("path = \"flywheel\"", r#"role\.path: role path "flywheel" must start and end with "/""#),
        ("path = \"/fly wheel/\"", r#"role\.path: role path "/fly wheel/" has ' '"#),
        (
            "permissions_boundary = \"flywheel-boundary\"",
            r#"role\.permissions_boundary: "flywheel-boundary" is not an IAM policy ARN"#,
        ),
        (
            "attach_glue_service_role = false\n    managed_policy_arns = [\"arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole\"]",
            r"role\.managed_policy_arns: .*AWSGlueServiceRole.*attach_glue_service_role = true",
        ),
        (
            "confused_deputy_conditions = \"maybe\"",
            r#"(?s)confused_deputy_conditions.*a bool is required"#,
        ),
        (
            "attach_glue_service_role = \"sometimes\"",
            r#"(?s)attach_glue_service_role.*a bool is required"#,
        ),
    ];
    for (attrs, want) in cases {
        let hcl = format!(
            "resource \"flywheel_pipeline\" \"test\" {{\n  name = \"acme\"\n  environment = \"val\"\n  role {{\n    {attrs}\n  }}\n}}\n"
        );
        TestCase::new()
            .step(Step::config(hcl).validate_only().expect_error(want))
            .run()
            .await;
    }
}
