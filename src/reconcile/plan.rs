//! The pure half of reconciling: what each child needs ([`diff`]) and in which order
//! ([`order`]): a child waits for its parent's Create (a bucket before its encryption,
//! policy ...; the role before its policies and attachments), and a parent's Delete waits
//! for its children's Deletes.

use std::collections::BTreeMap;

use crate::model::children::{Child, ChildKey, Kind, Spec, Status};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Create,
    Update,
    Delete,
}

/// One change to one child. `deps` index into the same operation list.
#[derive(Clone, Debug, PartialEq)]
pub struct Operation {
    pub key: ChildKey,
    pub action: Action,
    /// The desired spec for Create and Update.
    pub spec: Option<Spec>,
    /// Why: the child's status before the change.
    pub reason: String,
    pub deps: Vec<usize>,
}

/// What each child needs, in the desired children's order, deletes last.
pub fn diff(children: &[Child], statuses: &BTreeMap<ChildKey, Status>) -> Vec<Operation> {
    let mut ops = Vec::new();
    for c in children {
        let action = match statuses.get(&c.key) {
            Some(Status::Ok) => continue,
            None | Some(Status::Missing) => Action::Create,
            Some(Status::Differs(_)) => Action::Update,
            Some(Status::Extra) => continue,
        };
        ops.push(Operation {
            key: c.key.clone(),
            action,
            spec: Some(c.spec.clone()),
            reason: statuses
                .get(&c.key)
                .map(Status::text)
                .unwrap_or_else(|| "missing".into()),
            deps: Vec::new(),
        });
    }
    for (k, s) in statuses {
        if *s == Status::Extra {
            ops.push(delete(k.clone(), s.text()));
        }
    }
    order(ops)
}

pub fn delete(key: ChildKey, reason: String) -> Operation {
    Operation {
        key,
        action: Action::Delete,
        spec: None,
        reason,
        deps: Vec::new(),
    }
}

/// Fills in `deps`: creates and updates wait for their parent's create; a delete of a
/// parent waits for the deletes of its children.
pub fn order(mut ops: Vec<Operation>) -> Vec<Operation> {
    let index: BTreeMap<(ChildKey, Action), usize> = ops
        .iter()
        .enumerate()
        .map(|(i, o)| ((o.key.clone(), o.action), i))
        .collect();
    for i in 0..ops.len() {
        let op = &ops[i];
        let mut deps = Vec::new();
        match op.action {
            Action::Create | Action::Update => {
                if let Some(parent) = op.key.parent() {
                    if let Some(&j) = index.get(&(parent, Action::Create)) {
                        deps.push(j);
                    }
                }
                // A budget's notifications go to the alerts topic, which AWS Budgets may
                // check it can publish to: the topic and its policy come first.
                if op.key.kind == Kind::Budget {
                    deps.extend(ops.iter().enumerate().filter_map(|(j, o)| {
                        (matches!(o.key.kind, Kind::SnsTopic | Kind::SnsTopicPolicy)
                            && o.action != Action::Delete)
                            .then_some(j)
                    }));
                }
            }
            Action::Delete => {
                for (j, other) in ops.iter().enumerate() {
                    if other.action == Action::Delete
                        && other.key.parent().as_ref() == Some(&op.key)
                    {
                        deps.push(j);
                    }
                }
            }
        }
        ops[i].deps = deps;
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pipeline::{expand, BucketSettings, Desired, Env, Settings};
    use crate::reconcile::execute::{execute, Outcome};
    use std::sync::{Arc, Mutex};

    fn desired() -> Desired {
        let s = Settings {
            name: "acme".into(),
            data: BucketSettings {
                create: Some(false),
                ..Default::default()
            },
            ..Default::default()
        };
        expand(
            &s,
            &Env {
                partition: "aws".into(),
                region: "us-east-1".into(),
                account: "123456789012".into(),
                default_tags: Default::default(),
            },
        )
    }

    fn all(d: &Desired, s: Status) -> BTreeMap<ChildKey, Status> {
        d.children
            .iter()
            .map(|c| (c.key.clone(), s.clone()))
            .collect()
    }

    #[test]
    fn nothing_to_do_when_in_sync() {
        let d = desired();
        assert!(diff(&d.children, &all(&d, Status::Ok)).is_empty());
    }

    #[test]
    fn creation_orders_parents_first() {
        let d = desired();
        let ops = diff(&d.children, &all(&d, Status::Missing));
        assert_eq!(ops.len(), d.children.len());
        for op in &ops {
            assert_eq!(op.action, Action::Create);
            match op.key.parent() {
                Some(p) => {
                    assert_eq!(op.deps.len(), 1, "{}", op.key);
                    assert_eq!(ops[op.deps[0]].key, p);
                }
                None => assert!(op.deps.is_empty(), "{}", op.key),
            }
        }
        // The role's policy and attachment wait for the role.
        let policy = ops
            .iter()
            .find(|o| o.key.kind == Kind::IamRolePolicy)
            .unwrap();
        assert_eq!(ops[policy.deps[0]].key.kind, Kind::IamRole);
    }

    #[test]
    fn updates_of_existing_parents_have_no_deps() {
        let d = desired();
        let mut st = all(&d, Status::Ok);
        let enc = d
            .children
            .iter()
            .find(|c| c.key.kind == Kind::BucketEncryption)
            .unwrap();
        st.insert(enc.key.clone(), Status::Missing);
        let db = d
            .children
            .iter()
            .find(|c| c.key.kind == Kind::GlueDatabase)
            .unwrap();
        st.insert(db.key.clone(), Status::Differs("description".into()));
        let ops = diff(&d.children, &st);
        assert_eq!(ops.len(), 2);
        assert_eq!(
            (ops[0].action, ops[1].action),
            (Action::Create, Action::Update)
        );
        assert!(ops.iter().all(|o| o.deps.is_empty()));
    }

    #[test]
    fn a_budget_waits_for_the_topic_and_its_policy() {
        let topic = "arn:aws:sns:us-east-1:123456789012:t";
        let op = |kind, owner: &str, name: &str, action| Operation {
            key: ChildKey::new(kind, owner, name),
            action,
            spec: None,
            reason: String::new(),
            deps: Vec::new(),
        };
        let ops = order(vec![
            op(Kind::Budget, "123456789012", "b", Action::Create),
            op(Kind::SnsTopic, topic, topic, Action::Create),
            op(Kind::SnsTopicPolicy, topic, topic, Action::Update),
            op(Kind::EventRule, "r", "r", Action::Create),
        ]);
        assert_eq!(ops[0].deps, vec![1, 2]);
        assert!(ops[3].deps.is_empty());
        // A budget alone (its topic unchanged) waits for nothing.
        let ops = order(vec![op(Kind::Budget, "1", "b", Action::Update)]);
        assert!(ops[0].deps.is_empty());
    }

    #[test]
    fn extra_children_are_deleted_and_parents_go_last() {
        let d = desired();
        let mut st = all(&d, Status::Ok);
        let extra = ChildKey::new(
            Kind::IamRolePolicyAttachment,
            &d.role,
            "arn:aws:iam::aws:policy/X",
        );
        st.insert(extra.clone(), Status::Extra);
        let ops = diff(&d.children, &st);
        assert_eq!(ops.len(), 1);
        assert_eq!(
            (ops[0].key.clone(), ops[0].action),
            (extra.clone(), Action::Delete)
        );

        let role = ChildKey::top(Kind::IamRole, &d.role);
        let ops = order(vec![
            delete(role.clone(), String::new()),
            delete(extra, String::new()),
        ]);
        assert_eq!(ops[0].deps, vec![1]);
    }

    #[tokio::test]
    async fn executor_runs_in_dependency_order_and_reports_partial_progress() {
        let d = desired();
        let ops = diff(&d.children, &all(&d, Status::Missing));
        let log = Arc::new(Mutex::new(Vec::<ChildKey>::new()));
        // The role's creation fails: its policy and attachment are skipped, everything
        // else still happens.
        let outcome = execute(&ops, 64, |op| {
            let log = log.clone();
            async move {
                tokio::task::yield_now().await;
                if op.key.kind == Kind::IamRole {
                    return Err(format!("{} failed", op.key));
                }
                log.lock().unwrap().push(op.key.clone());
                Ok(())
            }
        })
        .await;
        assert_eq!(outcome.failed.len(), 1);
        assert_eq!(outcome.skipped.len(), 2);
        assert!(outcome.skipped.iter().all(|&i| matches!(
            ops[i].key.kind,
            Kind::IamRolePolicy | Kind::IamRolePolicyAttachment
        )));
        assert_eq!(outcome.done.len(), ops.len() - 3);
        let log = log.lock().unwrap();
        for (i, k) in log.iter().enumerate() {
            if let Some(p) = k.parent() {
                let at = log.iter().position(|x| *x == p).expect("parent ran");
                assert!(at < i, "{k} ran before {p}");
            }
        }
    }

    #[tokio::test]
    async fn independent_operations_run_concurrently() {
        let d = desired();
        let ops = diff(&d.children, &all(&d, Status::Missing));
        let active = Arc::new(Mutex::new((0usize, 0usize)));
        let outcome: Outcome<()> = execute(&ops, 64, |_| {
            let active = active.clone();
            async move {
                {
                    let mut a = active.lock().unwrap();
                    a.0 += 1;
                    a.1 = a.1.max(a.0);
                }
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                active.lock().unwrap().0 -= 1;
                Ok(())
            }
        })
        .await;
        assert!(outcome.ok());
        // Five top-level children (three buckets, database, role) start together.
        assert!(
            active.lock().unwrap().1 >= 5,
            "{:?}",
            active.lock().unwrap()
        );
    }
}
