#!/usr/bin/env bash
# What `make demo` runs once the provider is built and the emulator is up: applies the
# production environment (examples/production with its localstack.tfvars override) to the
# local emulator, prints the AWS objects it expanded into (managed_objects), and shows that a
# second plan has no changes. While the provider has no flywheel_pipeline yet, it applies
# examples/quickstart instead.
#
# The run happens in a copy under .tools/demo, so no state lands in examples/. A previous
# demo's objects are destroyed first, so every run starts from an empty environment.
#
# Environment: FLYWHEEL_EMULATOR_PORT or AWS_ENDPOINT_URL (the emulator), TOOLS (default
# .tools), PROVIDER_DIR (directory of the built provider).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${TOOLS:-$root/.tools}"
tf="$tools/bin/terraform"
python="$tools/venv/bin/python"
provider_dir="${PROVIDER_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/terraform-provider-flywheel/target}/debug}"
endpoint="${AWS_ENDPOINT_URL:-http://127.0.0.1:${FLYWHEEL_EMULATOR_PORT:-4566}}"
demo="$tools/demo"

printf 'provider_installation {\n  dev_overrides {\n    "omc/flywheel" = "%s"\n  }\n  direct {}\n}\n' \
	"$provider_dir" >"$tools/demo.tfrc"
export TF_CLI_CONFIG_FILE="$tools/demo.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0
export AWS_ENDPOINT_URL="$endpoint" AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-test}"

if "$python" "$root/docs-gen/generate.py" --print-types --terraform "$tf" --provider-dir "$provider_dir" |
	grep -qx flywheel_pipeline; then
	example=production
	# The emulator answers as the account a 12-digit access key names (LocalStack's
	# convention), so the production account guard holds.
	export AWS_ACCESS_KEY_ID=239083076653
	vars=(-var-file=localstack.tfvars "-var=endpoint=$endpoint")
else
	example=quickstart
	export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-test}"
	vars=()
	echo "(the provider has no flywheel_pipeline yet: demonstrating examples/quickstart)"
fi

# Remove what the previous demo left in the emulator.
for old in "$demo"/examples/*/; do
	[ -f "$old/terraform.tfstate" ] || continue
	echo "== terraform destroy (the previous demo's ${old%/})"
	old_vars=()
	[ -f "$old/localstack.tfvars" ] && old_vars=(-var-file=localstack.tfvars "-var=endpoint=$endpoint")
	(cd "$old" && AWS_ACCESS_KEY_ID=$([ -f localstack.tfvars ] && echo 239083076653 || echo "$AWS_ACCESS_KEY_ID") \
		"$tf" destroy -input=false -auto-approve "${old_vars[@]}" >/dev/null) ||
		echo "(could not destroy it; continuing)"
done

rm -rf "$demo"
mkdir -p "$demo"
cp -r "$root/examples" "$demo/examples"
cd "$demo/examples/$example"

# Installs the modules. Not `init`: the provider comes from dev_overrides, and Terraform 1.6
# would look it up in a registry.
echo "== terraform get (examples/$example)"
"$tf" get >/dev/null
echo "== terraform plan"
"$tf" plan -input=false "${vars[@]}" -out=demo.plan
echo "== terraform apply"
"$tf" apply -input=false demo.plan
if [ "$example" = production ]; then
	echo "== terraform output managed_objects (what the three resources expanded into)"
	"$tf" output managed_objects
fi
echo "== terraform plan (again: expect no changes)"
"$tf" plan -input=false "${vars[@]}" -detailed-exitcode
echo "Demo state is in $demo/examples/$example. Stop the emulator with: make emulator-stop"
