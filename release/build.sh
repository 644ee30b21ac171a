#!/usr/bin/env bash
# Builds the release artifacts into dist/, in the layout the public Terraform registry and
# Terraform Cloud's private registry expect (the same names goreleaser's provider template
# produces):
#
#   terraform-provider-flywheel_<version>_<os>_<arch>.zip   holding terraform-provider-flywheel_v<version>
#   terraform-provider-flywheel_<version>_manifest.json     copy of terraform-registry-manifest.json
#   terraform-provider-flywheel_<version>_SHA256SUMS        sha256 of every zip and the manifest
#   terraform-provider-flywheel_<version>_SHA256SUMS.sig    detached binary GPG signature, when a key is configured
#
# Usage: release/build.sh [VERSION]
#
# The version has one source, `version` in Cargo.toml. VERSION (argument or environment) may
# be given, but only to check it: a different value is refused.
#
# Environment:
#   RELEASE_PLATFORMS    space-separated os_arch list (default: linux_amd64; linux_arm64 also known)
#   RELEASE_TARGET_DIR   cargo target dir for release builds
#                        (default: ~/.cache/terraform-provider-flywheel/release-target)
#   DIST_DIR             where to write the artifacts (default: <repo>/dist)
#   RELEASE_NICE         niceness of the compile (default: 19, so it yields to other builds)
#   GPG_FINGERPRINT      sign SHA256SUMS with this key from the keyring (GNUPGHOME or ~/.gnupg)
#   GPG_KEY_FILE         or: an armored secret key file, imported into a temporary keyring and
#                        used to sign (GPG_FINGERPRINT then picks the key if the file holds several)
#   GPG_PASSPHRASE       passphrase of the signing key, if it has one
#   SOURCE_DATE_EPOCH    timestamp stored in the zips (default: the commit time of HEAD)
#
# Profile: Cargo.toml's [profile.release] is the one place it is decided (a
# CARGO_PROFILE_RELEASE_* variable still overrides it, as in any cargo build); see
# docs/guides/publishing.md for the numbers.
set -euo pipefail
shopt -s inherit_errexit

NAME=terraform-provider-flywheel
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'release: %s\n' "$*" >&2; exit 1; }

# --- version: one source ---------------------------------------------------------------
cargo_version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
[[ -n "$cargo_version" ]] || die "cannot read version from Cargo.toml"
requested="${1:-${VERSION:-}}"
requested="${requested#v}"
if [[ -n "$requested" && "$requested" != "$cargo_version" ]]; then
  die "VERSION=$requested does not match Cargo.toml's version $cargo_version.
The version has a single source: set \`version = \"$requested\"\` in Cargo.toml (and commit it), then run make release again."
fi
VERSION="$cargo_version"
[[ "$VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] \
  || die "Cargo.toml's version '$VERSION' is not a semantic version (x.y.z[-pre]) as registries require"

DIST_DIR="${DIST_DIR:-$ROOT/dist}"
RELEASE_TARGET_DIR="${RELEASE_TARGET_DIR:-$HOME/.cache/$NAME/release-target}"
RELEASE_PLATFORMS="${RELEASE_PLATFORMS:-linux_amd64}"

triple_of() {
  case "$1" in
    linux_amd64) echo x86_64-unknown-linux-musl ;;
    linux_arm64) echo aarch64-unknown-linux-musl ;;
    *) die "unknown platform '$1' (known: linux_amd64 linux_arm64)" ;;
  esac
}

# The C parts of the dependency tree (aws-lc-sys, ring) need a C compiler for the target.
cc_of() {
  case "$1" in
    x86_64-unknown-linux-musl) echo musl-gcc ;;
    aarch64-unknown-linux-musl) echo aarch64-linux-musl-gcc ;;
  esac
}

ensure_toolchain() {
  local triple="$1" cc
  if ! rustup target list --installed 2>/dev/null | grep -qx "$triple"; then
    log "adding Rust target $triple"
    rustup target add "$triple" >&2 || die "cannot add the Rust target $triple (rustup target add $triple)"
  fi
  cc="$(cc_of "$triple")"
  if ! command -v "$cc" >/dev/null 2>&1; then
    if [[ "$triple" == x86_64-unknown-linux-musl && "$(id -u)" == 0 ]]; then
      log "installing musl-tools (musl-gcc)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get install -y -q musl-tools >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q musl-tools >/dev/null; }
    fi
    command -v "$cc" >/dev/null 2>&1 || die "$cc is missing: building $triple needs a C compiler for it
(Debian: apt-get install musl-tools for x86_64; a musl cross compiler for aarch64)"
  fi
}

build_platform() {
  local platform="$1" triple cc env_triple
  triple="$(triple_of "$platform")"
  ensure_toolchain "$triple"
  cc="$(cc_of "$triple")"
  env_triple="${triple//-/_}"
  log "building $NAME $VERSION for $platform ($triple) into $RELEASE_TARGET_DIR"
  env "CC_$env_triple=$cc" \
    CARGO_TARGET_DIR="$RELEASE_TARGET_DIR" \
    nice -n "${RELEASE_NICE:-19}" cargo build --release --locked --bin "$NAME" --target "$triple" >&2 \
    || die "cargo build for $triple failed; nothing was packaged"
  BIN="$RELEASE_TARGET_DIR/$triple/release/$NAME"
}

# Fails unless the binary is statically linked (it must run on any Linux, including
# Terraform Cloud's runners) and, where it can run here, reports this version.
check_binary() {
  local platform="$1" bin="$2" desc out
  desc="$(file -b "$bin")"
  case "$desc" in
    *"statically linked"* | *"static-pie linked"*) ;;
    *) die "$bin is not statically linked: $desc" ;;
  esac
  if [[ "$platform" == "$(uname -s | tr A-Z a-z)_$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')" ]]; then
    out="$("$bin" --version)" || die "$bin --version failed"
    [[ "$out" == "$NAME $VERSION ("* ]] || die "$bin --version says '$out', expected $NAME $VERSION (<commit>)"
    log "$out; $desc"
  fi
}

# A reproducible zip, like goreleaser's: one entry, fixed mode and mtime, no extra fields
# (uid/gid, extended timestamps), no directory entries.
package() {
  local platform="$1" bin="$2" stage zip
  zip="$DIST_DIR/${NAME}_${VERSION}_${platform}.zip"
  stage="$(mktemp -d)"
  install -m 0755 "$bin" "$stage/${NAME}_v${VERSION}"
  TZ=UTC touch -d "@$SOURCE_DATE_EPOCH" "$stage/${NAME}_v${VERSION}"
  rm -f "$zip"
  (cd "$stage" && TZ=UTC zip -q -X -D -9 "$zip" "${NAME}_v${VERSION}")
  rm -rf "$stage"
  log "wrote $zip"
}

sign() {
  local sums="$1" gnupghome_tmp="" key="${GPG_FINGERPRINT:-}"
  local -a gpg=(gpg --batch --yes --no-tty)
  if [[ -n "${GPG_KEY_FILE:-}" ]]; then
    [[ -r "$GPG_KEY_FILE" ]] || die "GPG_KEY_FILE=$GPG_KEY_FILE is not readable"
    gnupghome_tmp="$(mktemp -d)"
    chmod 700 "$gnupghome_tmp"
    gpg+=(--homedir "$gnupghome_tmp")
    "${gpg[@]}" --import "$GPG_KEY_FILE" 2>/dev/null || die "cannot import GPG_KEY_FILE=$GPG_KEY_FILE"
    if [[ -z "$key" ]]; then
      key="$("${gpg[@]}" --list-secret-keys --with-colons | awk -F: '$1=="fpr"{print $10; exit}')"
    fi
  fi
  local -a pass=()
  if [[ -n "${GPG_PASSPHRASE:-}" ]]; then
    pass=(--pinentry-mode loopback --passphrase-fd 3)
  fi
  local rc=0
  "${gpg[@]}" "${pass[@]}" --local-user "$key" --detach-sign --output "$sums.sig" "$sums" 3<<<"${GPG_PASSPHRASE:-}" || rc=1
  ((rc)) || "${gpg[@]}" --verify "$sums.sig" "$sums" 2>/dev/null || rc=2
  if [[ -n "$gnupghome_tmp" ]]; then
    gpgconf --homedir "$gnupghome_tmp" --kill gpg-agent 2>/dev/null || true
    rm -rf "$gnupghome_tmp"
  fi
  ((rc == 0)) || rm -f "$sums.sig"
  ((rc != 1)) || die "signing with key ${key:-?} failed"
  ((rc != 2)) || die "the new signature does not verify"
  log "signed $(basename "$sums") with key $key"
}

# --- main ---------------------------------------------------------------------------------
SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 315532800)}"
# Zip times cannot be before 1980.
(( SOURCE_DATE_EPOCH >= 315532800 )) || SOURCE_DATE_EPOCH=315532800

mkdir -p "$DIST_DIR"
rm -f "$DIST_DIR/${NAME}_${VERSION}_"*
for platform in $RELEASE_PLATFORMS; do
  build_platform "$platform"
  check_binary "$platform" "$BIN"
  package "$platform" "$BIN"
done

manifest="$DIST_DIR/${NAME}_${VERSION}_manifest.json"
cp terraform-registry-manifest.json "$manifest"
python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert "6.0" in m["metadata"]["protocol_versions"], m' "$manifest" \
  || die "terraform-registry-manifest.json must declare protocol version 6.0"

sums="$DIST_DIR/${NAME}_${VERSION}_SHA256SUMS"
(cd "$DIST_DIR" && sha256sum "${NAME}_${VERSION}_"*.zip "${NAME}_${VERSION}_manifest.json" | LC_ALL=C sort -k2) > "$sums"
log "wrote $sums"

if [[ -n "${GPG_FINGERPRINT:-}" || -n "${GPG_KEY_FILE:-}" ]]; then
  sign "$sums"
else
  log "no GPG_FINGERPRINT or GPG_KEY_FILE: SHA256SUMS is not signed (registries require a signature)"
fi
ls -l "$DIST_DIR/${NAME}_${VERSION}_"* >&2
