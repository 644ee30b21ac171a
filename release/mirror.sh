#!/usr/bin/env bash
# Lays release zips out as a Terraform/OpenTofu filesystem mirror, packed layout:
#
#   <mirror>/registry.terraform.io/omc/flywheel/terraform-provider-flywheel_<version>_<os>_<arch>.zip
#
# Usage: release/mirror.sh [DIST_DIR [MIRROR_DIR]]   (defaults: dist dist/mirror)
#
# Every zip of every version found in DIST_DIR goes in, after its checksum is checked against
# that version's SHA256SUMS. Point Terraform at the mirror with a CLI configuration:
#
#   provider_installation {
#     filesystem_mirror {
#       path    = "<mirror>"
#       include = ["registry.terraform.io/omc/flywheel"]
#     }
#   }
set -euo pipefail
shopt -s inherit_errexit

NAME=terraform-provider-flywheel
HOSTNAME_NS_TYPE="${MIRROR_PROVIDER_ADDRESS:-registry.terraform.io/omc/flywheel}"
dist="${1:-dist}"
mirror="${2:-$dist/mirror}"

die() { printf 'mirror: %s\n' "$*" >&2; exit 1; }

[[ -d "$dist" ]] || die "$dist does not exist: run make release first"
shopt -s nullglob
zips=("$dist/${NAME}_"*_*_*.zip)
((${#zips[@]})) || die "no ${NAME}_<version>_<os>_<arch>.zip in $dist: run make release first"

dest="$mirror/$HOSTNAME_NS_TYPE"
rm -rf "$dest"
mkdir -p "$dest"
for zip in "${zips[@]}"; do
  base="$(basename "$zip")"
  version="${base#"${NAME}_"}"
  version="${version%%_*}"
  sums="$dist/${NAME}_${version}_SHA256SUMS"
  [[ -r "$sums" ]] || die "$sums is missing"
  want="$(awk -v f="$base" '$2 == f {print $1}' "$sums")"
  [[ -n "$want" ]] || die "$base is not listed in $(basename "$sums")"
  got="$(sha256sum "$zip" | cut -d' ' -f1)"
  [[ "$got" == "$want" ]] || die "$base: sha256 $got does not match $(basename "$sums") ($want)"
  cp "$zip" "$dest/$base"
  echo "$dest/$base"
done
