#!/usr/bin/env bash
# Checks every example under examples/ the way a user would meet it:
#
#   1. `terraform fmt -check -recursive examples`;
#   2. the Glue scripts (examples/**/*.py) compile as Python 3;
#   3. `terraform validate` on every example root, against the built provider:
#      - each directory with .tf files (the production root, the module, the quickstart...);
#      - the registry snippets, which reference each other, together in one directory:
#        examples/provider/provider.tf plus every examples/resources/<type>/resource.tf (and
#        what sits beside it, such as scripts/), and likewise for examples/data-sources/ and
#        examples/functions/.
#      A root that uses a flywheel_* type the provider's schema does not have fails, naming
#      the type (a typo or a removed type must not pass unvalidated).
#
# Usage: docs-gen/check-examples.sh   (environment: TERRAFORM, PROVIDER_DIR, PYTHON)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
terraform="${TERRAFORM:-$root/.tools/bin/terraform}"
provider_dir="${PROVIDER_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/terraform-provider-flywheel/target}/debug}"
python="${PYTHON:-$root/.tools/venv/bin/python}"
[ -x "$python" ] || python=python3

work="$(mktemp -d "${TMPDIR:-/tmp}/flywheel-examples.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failed=0

# Loads the freshly built provider; no registry, no credentials, no API call.
cat >"$work/terraform.rc" <<EOF
provider_installation {
  dev_overrides {
    "omc/flywheel" = "$provider_dir"
  }
  direct {}
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraform.rc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
unset TF_DATA_DIR TF_CLI_ARGS TF_WORKSPACE TF_REATTACH_PROVIDERS

echo "== terraform fmt -check -recursive examples"
if ! "$terraform" fmt -check -recursive -diff examples; then
	echo "FAIL: examples are not formatted: run \`terraform fmt -recursive examples\`"
	failed=1
fi

echo "== Python scripts compile"
while IFS= read -r -d '' script; do
	if PYTHONPYCACHEPREFIX="$work/pycache" python3 -m py_compile "$script"; then
		echo "ok    $script"
	else
		echo "FAIL  $script"
		failed=1
	fi
done < <(find examples -name '*.py' -not -path '*/.terraform/*' -print0 | sort -z)

echo "== terraform validate"
types="$("$python" docs-gen/generate.py --print-types --terraform "$terraform" --provider-dir "$provider_dir")"

# A private copy, so init's .terraform/ never lands in the tree; relative module paths hold.
mkdir -p "$work/tree"
cp -r examples "$work/tree/examples"
find "$work/tree" -name .terraform -type d -prune -exec rm -rf {} +
find "$work/tree" \( -name '*.tfstate' -o -name '*.tfstate.*' -o -name '.terraform.lock.hcl' \) -delete

# The registry snippets: provider.tf plus every snippet, named after its type.
compose() { # compose <kind> <snippet file name>
	local kind="$1" file="$2" dir="$work/tree/examples/.composed-$1" t
	[ -d "examples/$kind" ] || return 0
	mkdir -p "$dir"
	cp examples/provider/provider.tf "$dir/provider.tf"
	for t in examples/"$kind"/*/; do
		t="${t%/}"
		[ -f "$t/$file" ] || continue
		cp -r "$t"/. "$dir/"
		rm -f "$dir/$file" "$dir/import.sh"
		cp "$t/$file" "$dir/$(basename "$t").tf"
	done
}
compose resources resource.tf
compose data-sources data-source.tf
compose functions function.tf

# flywheel_* types a directory declares or references, with the local modules it calls.
types_used() { # types_used <dir>
	local dir="$1" seen="$2" m
	for m in $(sed -n 's/^[[:space:]]*source[[:space:]]*=[[:space:]]*"\(\.\{1,2\}\/[^"]*\)".*/\1/p' "$dir"/*.tf 2>/dev/null); do
		m="$(cd "$dir/$m" && pwd)"
		case " $seen " in *" $m "*) continue ;; esac
		types_used "$m" "$seen $dir"
	done
	grep -ohP '(?<![\w-])flywheel_[a-z0-9_]+(?=[".])' "$dir"/*.tf 2>/dev/null || true
}

roots=()
while IFS= read -r -d '' dir; do
	case "$dir" in
	*/examples/resources/* | */examples/data-sources/* | */examples/functions/*) continue ;; # validated composed
	esac
	roots+=("$dir")
done < <(find "$work/tree/examples" -name '*.tf' -not -path '*/.terraform/*' -printf '%h\0' | sort -zu)

for dir in "${roots[@]}"; do
	name="${dir#"$work/tree/"}"
	case "$name" in
	examples/.composed-resources) name="examples/resources/*/resource.tf (with examples/provider)" ;;
	examples/.composed-data-sources) name="examples/data-sources/*/data-source.tf (with examples/provider)" ;;
	examples/.composed-functions) name="examples/functions/*/function.tf (with examples/provider)" ;;
	esac
	missing=()
	for t in $(types_used "$dir" "" | sort -u); do
		grep -qx "$t" <<<"$types" || missing+=("$t")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "FAIL  $name: the provider's schema has no ${missing[*]}"
		failed=1
		continue
	fi
	if grep -qE '^[[:space:]]*module[[:space:]]+"' "$dir"/*.tf; then
		# Modules only: the provider comes from dev_overrides (`init` would look it up).
		if ! out="$(cd "$dir" && "$terraform" get -no-color 2>&1)"; then
			echo "FAIL  $name: terraform get"
			echo "$out"
			failed=1
			continue
		fi
	fi
	if out="$(cd "$dir" && "$terraform" validate -no-color 2>&1)"; then
		echo "ok    $name"
	else
		echo "FAIL  $name: terraform validate"
		echo "$out" | sed '/Provider development overrides are in effect/,/releases\./d'
		failed=1
	fi
done

if [ "$failed" -ne 0 ]; then
	echo "examples-check: FAILED"
	exit 1
fi
echo "examples-check: ok"
