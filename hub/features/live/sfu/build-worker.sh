#!/usr/bin/env bash
# Builds mediasoup's C++ worker (pinned version) from Debian bookworm's libraries, for machines that cannot download
# mediasoup's prebuilt worker (no GitHub, no PyPI). Prints the worker binary's absolute path as its last line.
# `npm install` runs it through hub/features/live/sfu/ensure-worker.ts; the hub finds the result by itself (hub/features/live/sfu/worker-bin.ts).
#
#   usage: hub/features/live/sfu/build-worker.sh [CACHE_DIR]
#
# The binary is cached in CACHE_DIR (default: ${XDG_CACHE_HOME:-$HOME/.cache}/mediasoup-worker) under a key made of the
# mediasoup version and this patch's hash, so a second call returns at once. Needs root for apt (skipped if present).
# A clean build takes about 4 minutes on 2 cores. What the patch changes, and why: hub/features/live/sfu/README.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VERSION="${MEDIASOUP_VERSION:-3.27.1}"
PATCH="$HERE/mediasoup-${VERSION}-debian-bookworm.patch"
[ -f "$PATCH" ] || { echo "build-worker: no patch for mediasoup $VERSION ($PATCH)" >&2; exit 2; }
KEY="$VERSION-$(sha256sum "$PATCH" | cut -c1-12)"
CACHE="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/mediasoup-worker}/$KEY"
BIN="$CACHE/mediasoup-worker"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

PKGS="build-essential pkg-config patch python3 meson ninja-build libssl-dev libuv1-dev libsrtp2-dev libabsl-dev flatbuffers-compiler libflatbuffers-dev"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "build-worker: apt-get install$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends $missing >&2
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
echo "build-worker: fetching mediasoup@$VERSION from the npm registry" >&2
npm pack --silent "mediasoup@$VERSION" >/dev/null
tar xzf "mediasoup-$VERSION.tgz"
cd package
patch -p1 --forward --quiet <"$PATCH"
cd worker
meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true out/Release/build >&2
ninja -C out/Release/build mediasoup-worker >&2
mkdir -p "$CACHE"
strip -o "$CACHE/mediasoup-worker.tmp" out/Release/build/mediasoup-worker
mv "$CACHE/mediasoup-worker.tmp" "$BIN"
echo "$BIN"
