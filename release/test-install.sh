#!/usr/bin/env bash
# Installs the release build the way users do, with the real Terraform CLI, and fails on any
# difference from what a registry user would get:
#
#  1. Release: release/build.sh into a throwaway dist, signed with a throwaway GPG key; a
#     second packaging must give byte-identical zips (reproducible).
#  2. Mirror: release/mirror.sh lays it out as a filesystem mirror (packed layout). A config
#     requiring omc/flywheel "~> <major>.<minor>" and a CLI config with only that
#     filesystem_mirror (no dev_overrides, no direct) must `terraform init` the release
#     binary, write a lock file with an h1: hash and a zh: hash equal to the zip's sha256,
#     and apply examples/quickstart against the emulator.
#  3. Registry: release/registry_server.py serves the dist over HTTPS (a throwaway CA,
#     trusted through SSL_CERT_FILE) with the provider registry protocol. `terraform init`
#     from localhost:<port>/omc/flywheel must install it and verify the GPG signature; the
#     same release served with another key's public half must be refused.
#
# Steps 2 and 3 run on each Terraform version in RELEASE_TEST_TERRAFORM_VERSIONS
# (default "1.15.5 1.6.6"; 1.6.6 is the line OpenTofu forked from).
#
# Everything lives in a temporary directory that is removed at the end (KEEP_TMP=1 keeps it);
# the registry servers are stopped, and so is the emulator if this script started it
# (FLYWHEEL_EMULATOR_PORT, default 4566). Fast when the release build is cached: the cargo
# build is then a no-op.
set -euo pipefail
shopt -s inherit_errexit

NAME=terraform-provider-flywheel
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLS="${FLYWHEEL_TOOLS_DIR:-$ROOT/.tools}"
PYTHON="${RELEASE_TEST_PYTHON:-$TOOLS/venv/bin/python}"
[[ -x "$PYTHON" ]] || PYTHON=python3
VERSIONS="${RELEASE_TEST_TERRAFORM_VERSIONS:-1.15.5 1.6.6}"
export FLYWHEEL_EMULATOR_PORT="${FLYWHEEL_EMULATOR_PORT:-4566}"
# The emulator's convention: a 12-digit access key id is the account id.
ACCOUNT=239083076653

VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
MINOR="$(cut -d. -f1,2 <<<"$VERSION")"

failures=0
passes=0
step() { printf '\n=== %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; passes=$((passes + 1)); }
fail() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); }
die() { printf 'release-test: %s\n' "$*" >&2; exit 1; }

# --- scratch space and cleanup ---------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/flywheel-release-test.XXXXXX")"
server_pids=()
started_emulator=0
cleanup() {
  local pid
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for home in "$TMP/gnupg" "$TMP/gnupg-other"; do
    [[ -d "$home" ]] && gpgconf --homedir "$home" --kill gpg-agent 2>/dev/null || true
  done
  if ((started_emulator)); then
    test-fixtures/emulator.sh stop >/dev/null 2>&1 || true
  fi
  if [[ "${KEEP_TMP:-0}" == 1 ]]; then
    echo "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Terraform gets nothing from the machine's environment but what this test sets.
unset TF_PLUGIN_CACHE_DIR TF_DATA_DIR TF_CLI_ARGS TF_CLI_ARGS_init TF_LOG TF_REATTACH_PROVIDERS
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

# --- 1. release with a throwaway signing key ---------------------------------------------
step "release $VERSION, signed with a throwaway key"
export GNUPGHOME="$TMP/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "Flywheel release test <release-test@example.invalid>" rsa3072 sign 1d 2>/dev/null
FPR="$(gpg --batch --with-colons --list-secret-keys 2>/dev/null | awk -F: '$1=="fpr"{print $10; exit}')"
gpg --batch --armor --export "$FPR" >"$TMP/signing-key.asc" 2>/dev/null
DIST="$TMP/dist"
DIST_DIR="$DIST" GPG_FINGERPRINT="$FPR" release/build.sh "$VERSION"
ZIP="${NAME}_${VERSION}_linux_amd64.zip"
SUMS="$DIST/${NAME}_${VERSION}_SHA256SUMS"
for f in "$ZIP" "${NAME}_${VERSION}_SHA256SUMS" "${NAME}_${VERSION}_SHA256SUMS.sig" "${NAME}_${VERSION}_manifest.json"; do
  [[ -s "$DIST/$f" ]] && ok "dist has $f" || fail "dist lacks $f"
done
ZIP_SHA="$(awk -v f="$ZIP" '$2 == f {print $1}' "$SUMS")"
[[ "$ZIP_SHA" == "$(sha256sum "$DIST/$ZIP" | cut -d' ' -f1)" ]] && ok "SHA256SUMS lists the zip's sha256" \
  || fail "SHA256SUMS does not match $ZIP"
[[ "$(unzip -Z1 "$DIST/$ZIP")" == "${NAME}_v${VERSION}" ]] && ok "the zip holds only ${NAME}_v${VERSION}" \
  || fail "zip entries: $(unzip -Z1 "$DIST/$ZIP" | tr '\n' ' ')"
grep -q '"6.0"' "$DIST/${NAME}_${VERSION}_manifest.json" && ok "manifest declares protocol 6.0" || fail "manifest lacks 6.0"
unzip -p "$DIST/$ZIP" >"$TMP/provider" && chmod +x "$TMP/provider"
out="$("$TMP/provider" --version || true)"
[[ "$out" == "$NAME $VERSION ("*")" ]] && ok "--version: $out" || fail "--version says: $out"
file -b "$TMP/provider" | grep -Eq 'statically linked|static-pie linked' && ok "binary is statically linked" \
  || fail "binary is not static: $(file -b "$TMP/provider")"
gpg --batch --verify "$SUMS.sig" "$SUMS" 2>/dev/null && ok "SHA256SUMS.sig verifies" || fail "SHA256SUMS.sig does not verify"
DIST_DIR="$TMP/dist-again" release/build.sh "$VERSION" 2>/dev/null
if ! unzip -p "$TMP/dist-again/$ZIP" | cmp -s - "$TMP/provider"; then
  # Only when the sources changed between the two runs (others at work in this tree).
  echo "skip: the sources changed between the two runs, so the binary was rebuilt; zip reproducibility not checked"
elif cmp -s "$DIST/$ZIP" "$TMP/dist-again/$ZIP"; then
  ok "zip is reproducible (byte-identical on a second run)"
else
  fail "a second release run gave a different zip from the same binary"
fi

# --- emulator ------------------------------------------------------------------------------
if ! test-fixtures/emulator.sh status >/dev/null 2>&1; then
  test-fixtures/emulator.sh start >/dev/null
  started_emulator=1
fi
EMU_ENV=(AWS_ENDPOINT_URL="http://127.0.0.1:$FLYWHEEL_EMULATOR_PORT" AWS_ACCESS_KEY_ID="$ACCOUNT"
  AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1)

# --- TLS: a throwaway CA and a server certificate for localhost -----------------------------
TLS="$TMP/tls"
mkdir -p "$TLS"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=flywheel release test CA" \
  -keyout "$TLS/ca.key" -out "$TLS/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$TLS/server.key" -out "$TLS/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$TLS/ext"
openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" -CAcreateserial \
  -days 1 -extfile "$TLS/ext" -out "$TLS/server.pem" 2>/dev/null

# Starts a registry for $DIST with public key $1; sets REG_PORT to its port.
start_registry() {
  local key="$1" portfile="$TMP/port.${#server_pids[@]}" pid
  "$PYTHON" release/registry_server.py --dist "$DIST" --cert "$TLS/server.pem" --key "$TLS/server.key" \
    --public-key "$key" --port 0 --port-file "$portfile" >/dev/null 2>>"$TMP/registry.log" &
  pid=$!
  server_pids+=("$pid")
  for _ in $(seq 100); do
    if [[ -s "$portfile" ]]; then
      REG_PORT="$(cat "$portfile")"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$TMP/registry.log" >&2
  die "the registry server did not start"
}
start_registry "$TMP/signing-key.asc"
PORT=$REG_PORT
# A second registry serving the same files but another key's public half: must be refused.
mkdir -m 700 "$TMP/gnupg-other"
gpg --batch --quiet --homedir "$TMP/gnupg-other" --pinentry-mode loopback --passphrase '' \
  --quick-gen-key "Someone else <other@example.invalid>" rsa3072 sign 1d 2>/dev/null || true
gpg --batch --homedir "$TMP/gnupg-other" --armor --export >"$TMP/other-key.asc"
start_registry "$TMP/other-key.asc"
BAD_PORT=$REG_PORT

# --- 2. mirror layout ----------------------------------------------------------------------
MIRROR="$TMP/mirror"
release/mirror.sh "$DIST" "$MIRROR" >/dev/null
[[ -f "$MIRROR/registry.terraform.io/omc/flywheel/$ZIP" ]] && ok "mirror has registry.terraform.io/omc/flywheel/$ZIP" \
  || fail "mirror layout: $(find "$MIRROR" -type f)"

# lock_hashes DIR: the hashes recorded for the provider, one per line.
lock_hashes() { sed -n '/hashes = \[/,/\]/p' "$1/.terraform.lock.hcl" | grep -o '"[a-z0-9]*:[^"]*"' | tr -d '"' || true; }

# write_lock FILE HOST HASH: a lock file pinning this version with that one hash.
write_lock() {
  cat >"$1" <<EOF
provider "$2/omc/flywheel" {
  version     = "$VERSION"
  constraints = "~> $MINOR"
  hashes = [
    "$3",
  ]
}
EOF
}

# check_lock DIR WHAT [H1]: the lock pins this version with the zip's zh: hash and an h1:
# hash (equal to H1 when given: the same package whichever way it was installed).
check_lock() {
  local dir="$1" what="$2" want_h1="${3:-}" hashes
  [[ -f "$dir/.terraform.lock.hcl" ]] || { fail "$what: no .terraform.lock.hcl"; return; }
  hashes="$(lock_hashes "$dir")"
  if [[ -n "$want_h1" ]]; then
    grep -qx "$want_h1" <<<"$hashes" && ok "$what: lock file has the package's $want_h1" \
      || fail "$what: lock file lacks $want_h1: $(tr '\n' ' ' <<<"$hashes")"
  else
    grep -q '^h1:' <<<"$hashes" && ok "$what: lock file has an h1: hash" || fail "$what: no h1: hash in the lock file"
  fi
  grep -qx "zh:$ZIP_SHA" <<<"$hashes" && ok "$what: lock file's zh: hash is the zip's sha256" \
    || fail "$what: no zh:$ZIP_SHA in the lock file: $(tr '\n' ' ' <<<"$hashes")"
  grep -q "version *= \"$VERSION\"" "$dir/.terraform.lock.hcl" && ok "$what: lock file pins $VERSION" \
    || fail "$what: lock file does not pin $VERSION"
}

# installed_binary DIR HOST: the installed provider must be the release binary.
check_installed() {
  local dir="$1" host="$2" what="$3" bin
  bin="$dir/.terraform/providers/$host/omc/flywheel/$VERSION/linux_amd64/${NAME}_v$VERSION"
  cmp -s "$bin" "$TMP/provider" && ok "$what: installed the release binary" || fail "$what: $bin is not the release binary"
}

for tfv in $VERSIONS; do
  tf="$TOOLS/bin/terraform-$tfv"
  [[ -x "$tf" ]] || die "$tf is missing: run make tools"
  w="$TMP/tf-$tfv"
  H1=""
  mkdir -p "$w"

  step "Terraform $tfv: install from the filesystem mirror, apply the quickstart"
  cat >"$w/mirror.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/omc/flywheel"]
  }
}
EOF
  d="$w/mirror"
  mkdir -p "$d"
  cp -r examples/quickstart/. "$d/"
  rm -rf "$d/.terraform" "$d/.terraform.lock.hcl" "$d"/*.tfstate*
  cat >"$d/override.tf" <<EOF
terraform {
  required_providers {
    flywheel = {
      source  = "omc/flywheel"
      version = "~> $MINOR"
    }
  }
}
EOF
  tfm() { (cd "$d" && TF_CLI_CONFIG_FILE="$w/mirror.tfrc" "$tf" "$@"); }
  # (a) No lock file yet: a filesystem mirror gives Terraform no checksums to trust, so it
  # records only the h1: hash of what it installed.
  if tfm init -no-color >"$d/init.log" 2>&1; then
    ok "init from the mirror"
    grep -E "Installed omc/flywheel v$VERSION" "$d/init.log" | sed 's/^/    /' || true
    check_installed "$d" registry.terraform.io "mirror"
    H1="$(lock_hashes "$d" | grep '^h1:' || true)"
    [[ -n "$H1" ]] && ok "mirror: lock file has $H1" || fail "mirror: no h1: hash in the lock file"
    # (b) A committed lock file with the zh: hash from the signed SHA256SUMS (what
    # `terraform providers lock` writes from a registry): init checks the mirror's zip
    # against it and keeps it beside the h1: hash.
    rm -rf "$d/.terraform"
    write_lock "$d/.terraform.lock.hcl" registry.terraform.io "zh:$ZIP_SHA"
    if tfm init -no-color >"$d/init-locked.log" 2>&1; then
      check_lock "$d" "mirror with a committed lock file" "$H1"
    else
      fail "init from the mirror with the zh: hash of SHA256SUMS in the lock file"; sed 's/^/    /' "$d/init-locked.log"
    fi
    if (export "${EMU_ENV[@]}"; tfm apply -auto-approve -no-color) >"$d/apply.log" 2>&1; then
      got="$(tfm output -raw account_id || true)"
      [[ "$got" == "$ACCOUNT" ]] && ok "apply of the quickstart: account_id = $got" || fail "account_id = '$got', expected $ACCOUNT"
      tfm version -no-color | grep -q "provider registry.terraform.io/omc/flywheel v$VERSION" \
        && ok "terraform version lists omc/flywheel v$VERSION" || fail "terraform version does not list omc/flywheel v$VERSION"
    else
      fail "apply of the quickstart"; sed 's/^/    /' "$d/apply.log"
    fi
    # (c) A lock file whose only hash is not the zip's: init must refuse the package.
    rm -rf "$d/.terraform"
    write_lock "$d/.terraform.lock.hcl" registry.terraform.io "zh:$(printf '0%.0s' {1..64})"
    if ! tfm init -no-color >"$d/init-wrong.log" 2>&1 && grep -q "doesn't match any of the checksums" "$d/init-wrong.log"; then
      ok "init refuses a mirror zip that does not match the lock file"
    else
      fail "init accepted a zip that does not match the lock file"; sed 's/^/    /' "$d/init-wrong.log"
    fi
  else
    fail "init from the mirror"; sed 's/^/    /' "$d/init.log"
  fi

  step "Terraform $tfv: install from the local HTTPS registry localhost:$PORT, signature verified"
  printf 'provider_installation {\n  direct {}\n}\n' >"$w/direct.tfrc"
  for case in good bad; do
    port=$PORT
    [[ $case == bad ]] && port=$BAD_PORT
    d="$w/registry-$case"
    mkdir -p "$d"
    cat >"$d/main.tf" <<EOF
terraform {
  required_providers {
    flywheel = {
      source  = "localhost:$port/omc/flywheel"
      version = "~> $MINOR"
    }
  }
}
EOF
    if (cd "$d" && SSL_CERT_FILE="$TLS/ca.pem" TF_CLI_CONFIG_FILE="$w/direct.tfrc" "$tf" init -no-color >"$d/init.log" 2>&1); then
      status=0
    else
      status=1
    fi
    if [[ $case == good ]]; then
      if ((status == 0)); then
        ok "init from the registry"
        line="$(grep -E "Installed localhost:$port/omc/flywheel v$VERSION" "$d/init.log" || true)"
        echo "    $line"
        key_id="${FPR: -16}"
        grep -q "signed" <<<"$line" && grep -qi "key ID $key_id" <<<"$line" \
          && ok "init reports the package signed by key $key_id" || fail "init does not report the signature: $line"
        check_installed "$d" "localhost:$port" "registry"
        check_lock "$d" "registry" "${H1:-}"
      else
        fail "init from the registry"; sed 's/^/    /' "$d/init.log"
      fi
    else
      if ((status != 0)) && grep -qiE "signature|authenticat" "$d/init.log"; then
        ok "init refuses the package when the registry's key did not sign it"
        grep -iE "signature|authenticat" "$d/init.log" | head -2 | sed 's/^/    /' || true
      else
        fail "init with the wrong signing key did not fail on the signature"; sed 's/^/    /' "$d/init.log"
      fi
    fi
  done
done

echo
echo "release-test: $passes passed, $failures failed"
((failures == 0))
