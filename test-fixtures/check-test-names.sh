#!/usr/bin/env bash
# Fails, naming them, when any of the given acceptance test names is not exactly the full
# name of a test (`module::test`), so a renamed or mistyped test cannot drop out of a
# subset run with `--exact` and let it pass having run less.
#
#   test-fixtures/check-test-names.sh caller_identity::caller_identity pipeline::pipeline_lifecycle
set -euo pipefail
[ $# -gt 0 ] || { echo "check-test-names: no names given" >&2; exit 2; }
listed="$(cargo test --quiet --test acceptance -- --list --include-ignored 2>/dev/null |
	sed -n 's/: test$//p')"
[ -n "$listed" ] || { echo "check-test-names: cargo listed no acceptance tests" >&2; exit 1; }
missing=()
for name in "$@"; do
	grep -qxF -- "$name" <<<"$listed" || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "check-test-names: no acceptance test is named: ${missing[*]}" >&2
	exit 1
fi
echo "check-test-names: all $# names are tests"
