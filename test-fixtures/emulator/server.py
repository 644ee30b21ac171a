"""The local AWS emulator for the flywheel provider's tests.

moto's server (S3, IAM, STS, Glue, ...) on one port, as `moto_server` runs it, plus:
- Glue UpdateJob, UpdateCrawler and UpdateTrigger, which moto lacks (glue_updates.py);
- Glue crawlers read back as AWS reports them: the role by name, the configuration JSON
  re-serialised (glue_crawler_answers.py);
- Glue CreateCrawler and UpdateCrawler refusing a role that does not exist, as AWS does
  (glue_crawler_roles.py);
- Glue crawler targets answered in AWS's shape (every kind listed) and refused as AWS
  refuses them: none, catalog targets mixed with others (glue_crawler_targets.py);
- Glue crawler runs that last a set time (started through /_flywheel/crawler-runs), and
  UpdateCrawler, DeleteCrawler, StartCrawler and StopCrawler refusing as AWS does while a
  crawler is RUNNING or STOPPING (glue_crawler_runs.py);
- Glue run history as AWS reports it: GetJobRuns newest first, GetCrawlerMetrics, which
  moto lacks, and GetCrawler's LastCrawl in AWS's terms; job runs and crawls seeded
  through /_flywheel/job-runs and /_flywheel/crawls (glue_run_history.py);
- Glue GetTables in pages (MaxResults, NextToken), which moto ignores (glue_tables.py);
- AWS managed IAM policies loaded (MOTO_IAM_LOAD_MANAGED_POLICIES=true unless set);
- IAM ListRolePolicies in pages (MaxItems, Marker), which moto ignores, and permissions
  boundaries that must name an existing managed policy (iam_roles.py);
- S3 bucket Intelligent-Tiering configurations, which moto lacks (s3_intelligent_tiering.py);
- S3 CreateBucket resetting the ACL of a bucket re-created in us-east-1 (s3_create_bucket.py);
- S3 DeleteBucket forgetting the bucket's tags, which moto kept for the next bucket of the
  same name (s3_delete_bucket.py);
- AWS's evaluation of conditional policy statements (iam_conditions.py);
- SNS email subscriptions pending until confirmed (sns_email_pending.py);
- EventBridge TestEventPattern, which moto answers with nothing (events_test_pattern.py);
- EventBridge rules listed by the Resource Groups Tagging API's GetResources, which moto
  leaves out (events_tagging.py);
- AWS Budgets tags, UpdateBudget and DescribeSubscribersForNotification, which moto lacks,
  and its notification calls refusing what does not exist, as AWS does (budgets_api.py);
- fault injection, a request log and LocalStack's 12-digit-access-key accounts, under
  /_flywheel/ on the same port (control.py).

Run it with the Python of .tools/venv (test-fixtures/emulator.sh does):

    python test-fixtures/emulator/server.py [--host 127.0.0.1] [--port 4566]

The port defaults to $FLYWHEEL_EMULATOR_PORT, else 4566. moto's own API stays available,
e.g. `POST /moto-api/reset` empties every service.
"""

import argparse
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main(argv: list) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int,
                        default=int(os.environ.get("FLYWHEEL_EMULATOR_PORT") or 4566))
    args = parser.parse_args(argv)

    # moto builds some URLs (presigned S3 URLs, queue URLs) from this.
    os.environ["MOTO_PORT"] = str(args.port)
    # AWS managed policies (AWSGlueServiceRole, ...) exist only when moto loads them.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import (DomainDispatcherApplication,
                                               MotoRequestHandler, create_backend_app)
    import moto

    import events_tagging
    import budgets_api
    import events_test_pattern
    import glue_crawler_answers
    import glue_crawler_roles
    import glue_crawler_targets
    import glue_crawler_runs
    import glue_deletes
    import glue_run_history
    import glue_tables
    import glue_updates
    import iam_conditions
    import iam_roles
    import s3_create_bucket
    import s3_delete_bucket
    import s3_intelligent_tiering
    import sns_email_pending
    from cloudwatch_cbor import CborMiddleware
    from control import ControlMiddleware

    glue_updates.install()
    glue_crawler_answers.install()  # after glue_updates: it wraps that one's crawler shape
    glue_crawler_roles.install()  # after glue_updates: it wraps that one's UpdateCrawler
    glue_crawler_targets.install()  # after glue_crawler_answers and glue_crawler_roles
    glue_tables.install()
    glue_deletes.install()
    glue_crawler_runs.install()  # after glue_updates, glue_crawler_roles and glue_deletes
    glue_run_history.install()  # after glue_updates and glue_crawler_answers
    iam_conditions.install()
    iam_roles.install()
    s3_intelligent_tiering.install()
    s3_create_bucket.install()  # after s3_intelligent_tiering: it wraps that one's patch
    s3_delete_bucket.install()
    sns_email_pending.install()
    events_test_pattern.install()
    events_tagging.install()
    budgets_api.install()
    try:
        # The CBOR translation goes first, so the fault and request log see JSON 1.0.
        app = CborMiddleware(ControlMiddleware(DomainDispatcherApplication(create_backend_app)))
    except ValueError as e:  # includes JSON errors
        sys.exit(f"FLYWHEEL_EMULATOR_FAULTS is not a valid fault list: {e}")

    def stop(signum, frame):
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    print(f"flywheel emulator (moto {moto.__version__}) on http://{args.host}:{args.port}",
          flush=True)
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main(sys.argv[1:])
