"""Lints IAM and bucket policy documents with parliament, against a list of kept findings.

    policy_lint.py [--allowed FILE] POLICY.json...

Each POLICY.json is one policy document, named by what it is: `trust-*.json` for a role's
trust policy, `bucket-*.json` for a bucket policy, anything else for an identity policy.
parliament runs with its default and community auditors. A finding fails the run unless
an entry of the allowed list (default: policy-lint-allowed.json beside this file) matches
it: same `issue`, the policy file name matching `policy` (a glob), and, when the entry has
`detail`, that text inside the finding's detail. Every entry carries the `reason` the
finding is kept. An entry that matched nothing also fails the run, so the list cannot
outlive the findings it explains.

Prints one JSON object: {"policies": N, "findings": [...], "failures": [...]}. Exit 0 when
there are no failures, 1 otherwise, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from typing import Any

from parliament import analyze_policy_string

HERE = os.path.dirname(os.path.abspath(__file__))


def unwrap_condition_values(doc: Any) -> Any:
    """Condition values given as one-element lists, as scalars. IAM reads both alike, and
    the provider writes the list form, but parliament 1.6.4 crashes on a `Bool` condition
    whose value is a list."""
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    for stmt in statements if isinstance(statements, list) else [statements]:
        for block in (stmt.get("Condition") or {}).values():
            for key, value in list(block.items()):
                if isinstance(value, list) and len(value) == 1:
                    block[key] = value[0]
    return doc


def findings_of(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        text = json.dumps(unwrap_condition_values(json.load(f)))
    policy = analyze_policy_string(text, filepath=path, include_community_auditors=True)
    out = []
    for finding in policy.findings:
        out.append({
            "policy": os.path.basename(path),
            "issue": finding.issue,
            "severity": getattr(finding, "severity", ""),
            "detail": str(finding.detail),
        })
    return out


def allowed_by(entry: dict[str, Any], finding: dict[str, Any]) -> bool:
    return (entry["issue"] == finding["issue"]
            and fnmatch.fnmatch(finding["policy"], entry["policy"])
            and entry.get("detail", "") in finding["detail"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--allowed", default=os.path.join(HERE, "policy-lint-allowed.json"))
    parser.add_argument("policies", nargs="+")
    args = parser.parse_args(argv)
    with open(args.allowed, encoding="utf-8") as f:
        allowed = json.load(f)
    for entry in allowed:
        if not entry.get("reason"):
            print(f"policy_lint.py: entry {entry} gives no reason", file=sys.stderr)
            return 2
    findings: list[dict[str, Any]] = []
    for path in args.policies:
        findings.extend(findings_of(path))
    failures = []
    used = set()
    for finding in findings:
        hits = [i for i, e in enumerate(allowed) if allowed_by(e, finding)]
        if hits:
            used.update(hits)
        else:
            failures.append({"finding": finding, "why": "not in the allowed list"})
    for i, entry in enumerate(allowed):
        if i not in used:
            failures.append({"entry": entry, "why": "allowed finding that no policy has"})
    print(json.dumps({"policies": len(args.policies), "findings": findings,
                      "failures": failures}, indent=2))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
