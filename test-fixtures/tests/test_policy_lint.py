"""The policy linter wrapper (test-fixtures/policy_lint.py) fails on findings and on stale
allowed entries, and passes a clean policy: the lint in `make test` can fail."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

LINT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "policy_lint.py")

CLEAN = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/opus/*"]}]}
# Allow every action on every resource: parliament reports a privilege-escalation risk.
BROAD = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": ["iam:*"], "Resource": ["*"]}]}
TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}


class PolicyLint(unittest.TestCase):
    def run_lint(self, policies: dict, allowed: list) -> tuple[int, dict]:
        with tempfile.TemporaryDirectory() as d:
            paths = []
            for name, doc in policies.items():
                paths.append(os.path.join(d, name))
                with open(paths[-1], "w") as f:
                    json.dump(doc, f)
            allowed_path = os.path.join(d, "allowed.json")
            with open(allowed_path, "w") as f:
                json.dump(allowed, f)
            p = subprocess.run([sys.executable, LINT, "--allowed", allowed_path, *paths],
                               capture_output=True, text=True)
            return p.returncode, json.loads(p.stdout)

    def test_a_clean_policy_passes(self):
        rc, out = self.run_lint({"inline.json": CLEAN}, [])
        self.assertEqual((rc, out["findings"]), (0, []))

    def test_a_broad_grant_fails(self):
        rc, out = self.run_lint({"inline.json": BROAD}, [])
        self.assertEqual(rc, 1)
        self.assertTrue(out["failures"])

    def test_an_allowed_finding_passes_and_a_stale_entry_fails(self):
        entry = {"policy": "trust-*.json", "issue": "MALFORMED",
                 "detail": "neither Resource nor NotResource", "reason": "trust policy"}
        rc, out = self.run_lint({"trust-role.json": TRUST}, [entry])
        self.assertEqual(rc, 0, out)
        self.assertEqual(len(out["findings"]), 1)
        rc, out = self.run_lint({"inline.json": CLEAN}, [entry])
        self.assertEqual(rc, 1)
        self.assertEqual(out["failures"][0]["why"], "allowed finding that no policy has")

    def test_the_trust_entry_must_match_by_file_name(self):
        entry = {"policy": "trust-*.json", "issue": "MALFORMED", "reason": "trust policy"}
        rc, _ = self.run_lint({"inline.json": TRUST}, [entry])
        self.assertEqual(rc, 1)


if __name__ == "__main__":
    unittest.main()
