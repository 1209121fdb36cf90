#!/usr/bin/env bash
# Puts debtgate into DEST/bin for the composite action (action.yml): the release binary for the
# runner's OS and architecture at the action's ref, its SHA-256 checked against the release's
# `debtgate-<target>.sha256` file, or, when that ref has no release (a branch, a commit, an unreleased tag) or the
# platform has no binary, `cargo install` from the action's own source.
#
#   install.sh key            prints the cache key of the binary this ref gives
#   install.sh install DEST   installs it into DEST/bin (exit 0), or fails (exit 1)
#
# A release asset that is there but wrong — cut short, or not matching its checksum, or without
# one — is an error, never a reason to build from source instead: it means the download or the
# release is broken, and the step must say so.
#
# Environment: RUNNER_OS, RUNNER_ARCH (set by the runner); DEBTGATE_ACTION_REPOSITORY and
# DEBTGATE_ACTION_REF (the action passes github.action_repository / action_ref; composite actions
# sometimes get them empty, so both are also read off the path the runner unpacked the action to,
# `…/_actions/OWNER/REPO/REF/ci/github`); DEBTGATE_RELEASES_URL (default
# `$GITHUB_SERVER_URL/OWNER/REPO/releases/download`), DEBTGATE_SOURCE (default: the checkout
# this script is in).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="${DEBTGATE_SOURCE:-$(cd "$here/../.." && pwd)}"

say() { echo "debtgate install: $*" >&2; }
die() {
  say "$*"
  exit 1
}

# The release target triple for this runner, or nothing when there is no binary for it. The
# names match .github/workflows/release.yml and Cargo.toml's [package.metadata.binstall].
target_triple() {
  case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) ;;
  esac
}

# OWNER/REPO and REF of the action, from the environment or from the runner's unpack path.
action_repository() {
  if [ -n "${DEBTGATE_ACTION_REPOSITORY:-}" ]; then
    echo "$DEBTGATE_ACTION_REPOSITORY"
  elif [[ "$here" =~ /_actions/([^/]+)/([^/]+)/([^/]+)/ci/github$ ]]; then
    echo "${BASH_REMATCH[1]}/${BASH_REMATCH[2]}"
  fi
}
action_ref() {
  if [ -n "${DEBTGATE_ACTION_REF:-}" ]; then
    echo "$DEBTGATE_ACTION_REF"
  elif [[ "$here" =~ /_actions/([^/]+)/([^/]+)/([^/]+)/ci/github$ ]]; then
    echo "${BASH_REMATCH[3]}"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# A tag (vX.Y.Z…) names one release for good; anything else is keyed by the source it builds.
cache_key() {
  local ref
  ref="$(action_ref)"
  if [[ "$ref" =~ ^v[0-9] ]]; then
    echo "debtgate-bin-${RUNNER_OS:-}-${RUNNER_ARCH:-}-$(action_repository | tr / -)-$ref"
  else
    local list
    list="$(mktemp)"
    (cd "$source_dir" && find . -type f -not -path './target/*' -not -path './.git/*' |
      LC_ALL=C sort | while IFS= read -r f; do
        printf '%s %s\n' "$(sha256_of "$f")" "$f"
      done) >"$list"
    echo "debtgate-bin-${RUNNER_OS:-}-${RUNNER_ARCH:-}-src-$(sha256_of "$list")"
    rm -f "$list"
  fi
}

# GET $1 into $2; prints the HTTP status (000 when there was no answer). Fails when the transfer
# broke off (curl exit 18: fewer bytes than the server announced) or did not happen.
fetch() {
  local code rc=0
  code="$(curl --silent --show-error --location --retry 2 --retry-delay 1 \
    --connect-timeout 20 --max-time 300 --output "$2" --write-out '%{http_code}' "$1")" || rc=$?
  if [ "$rc" -ne 0 ]; then
    die "downloading $1 failed (curl exit $rc${code:+, HTTP $code}): the transfer did not complete"
  fi
  echo "$code"
}

from_source() {
  local dest="$1"
  say "no release binary for ${2}; building with cargo install from $source_dir (minutes)"
  command -v cargo >/dev/null 2>&1 || die "cargo is not on PATH; use a released tag of the action (uses: …@vX.Y.Z) or install Rust first"
  cargo install --locked --path "$source_dir" --root "$dest"
}

install() {
  local dest="$1" repo ref target
  repo="$(action_repository)"
  ref="$(action_ref)"
  target="$(target_triple)"
  if [ -z "$target" ]; then
    from_source "$dest" "runner ${RUNNER_OS:-?}/${RUNNER_ARCH:-?}"
    return
  fi
  if [ -z "$repo" ] || [ -z "$ref" ]; then
    from_source "$dest" "an action used from a local path"
    return
  fi
  local ext=tar.gz exe=debtgate
  if [ "${RUNNER_OS}" = Windows ]; then ext=zip exe=debtgate.exe; fi
  # upload-rust-binary-action's names: the archive `debtgate-<target>.<ext>`, and beside it
  # `debtgate-<target>.sha256` holding sha256sum's line for the archive.
  local asset="debtgate-$target.$ext"
  local base="${DEBTGATE_RELEASES_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/releases/download}"
  local url="$base/$ref/$asset" sums="$base/$ref/debtgate-$target.sha256"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT

  local code
  code="$(fetch "$url" "$work/$asset")"
  case "$code" in
    200) ;;
    404)
      from_source "$dest" "$ref (no release asset $asset)"
      return
      ;;
    *) die "downloading $url: HTTP $code" ;;
  esac
  code="$(fetch "$sums" "$work/sums")"
  [ "$code" = 200 ] || die "$sums: HTTP $code; a release binary without its checksum is not used"
  local want got
  want="$(tr -d '\r' <"$work/sums" | awk 'NR == 1 { print tolower($1) }')"
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || die "$sums does not start with a SHA-256"
  got="$(sha256_of "$work/$asset")"
  [ "$want" = "$got" ] || die "$asset: SHA-256 mismatch: the release says $want, the download is $got ($(wc -c <"$work/$asset") bytes)"
  say "$asset: SHA-256 $got verified"

  mkdir -p "$work/unpacked"
  if [ "$ext" = zip ]; then
    unzip -q "$work/$asset" -d "$work/unpacked"
  else
    tar -xzf "$work/$asset" -C "$work/unpacked"
  fi
  [ -f "$work/unpacked/$exe" ] || die "$asset has no $exe at its top level"
  # Into place only once it runs, so a failed step leaves nothing the cache could keep. (It
  # runs from where it was unpacked: on Windows only a name ending in .exe runs.)
  chmod +x "$work/unpacked/$exe"
  local version
  version="$("$work/unpacked/$exe" --version)" || die "$asset: the binary does not run on this runner"
  mkdir -p "$dest/bin"
  cp "$work/unpacked/$exe" "$dest/bin/.$exe.partial"
  mv -f "$dest/bin/.$exe.partial" "$dest/bin/$exe"
  say "installed $version into $dest/bin"
}

case "${1:-}" in
  key) cache_key ;;
  install)
    [ -n "${2:-}" ] || die "usage: install.sh install DEST"
    install "$2"
    ;;
  *) die "usage: install.sh key | install DEST" ;;
esac
