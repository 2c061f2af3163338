#!/usr/bin/env bash
# CI (and anyone): the README's two commands from a fresh clone, in a shell with nothing exported first — no
# MEDIASOUP_WORKER_BIN, no ELECTRON_SKIP_BINARY_DOWNLOAD. `. scripts/use-node.sh` only acts where Node is older than the
# project needs (it is the README's note for such machines). Asserts: `npm ci` succeeds with no EBADENGINE warning and
# no npm error, mediasoup's own installer never ran (it would reach for the internet), the worker and ffmpeg are there;
# then `npm start` serves the app page and a hub that reports live lessons available, with the demo lesson on air. Prints how long each step took.
#   usage: scripts/check-clean-install.sh [REPO]      clones REPO (default: this checkout's committed HEAD) to a temp dir
#          scripts/check-clean-install.sh --in-place   installs this checkout itself (CI's checkout is a fresh clone
#                                                       without node_modules: one install instead of two)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
if [ "${1:-}" = --in-place ]; then
  [ -e "$HERE/node_modules" ] && { echo "clean install: --in-place needs a checkout without node_modules" >&2; exit 2; }
  TARGET="$HERE"
else
  git clone -q "${1:-$HERE}" "$WORK/repo"
  TARGET="$WORK/repo"
fi
START_PID=""
cleanup() {
  if [ -n "$START_PID" ] && kill -0 "$START_PID" 2>/dev/null; then kill -TERM -- "-$START_PID" 2>/dev/null || true; sleep 2; kill -KILL -- "-$START_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "clean install: FAILED: $1" >&2
  [ -f "$2" ] && tail -n 40 "$2" >&2
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# A fresh login shell's environment: nothing of ours is exported.
CLEAN_ENV=(env -i HOME="$HOME" PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" LANG=C.UTF-8 TERM=dumb CI="${CI:-}")

t0=$(date +%s)
"${CLEAN_ENV[@]}" bash -c 'cd "$1" && . scripts/use-node.sh && npm ci --no-audit --no-fund' _ "$TARGET" >"$WORK/install.log" 2>&1 \
  || fail "npm ci exited non-zero" "$WORK/install.log"
t1=$(date +%s)
grep -q EBADENGINE "$WORK/install.log" && fail "engine warnings: $(grep -c 'EBADENGINE Unsupported' "$WORK/install.log")" "$WORK/install.log"
grep -qE '^npm (error|ERR!)' "$WORK/install.log" && fail "npm printed errors" "$WORK/install.log"
grep -qE 'downloadPrebuiltWorker|pip install|invoke -r worker' "$WORK/install.log" && fail "mediasoup's own installer ran" "$WORK/install.log"
grep -qE '^mediasoup worker: /' "$WORK/install.log" || fail "no mediasoup worker after install" "$WORK/install.log"
grep -qE '^ffmpeg: (found|installed)' "$WORK/install.log" || fail "no ffmpeg after install (as root it is installed with apt)" "$WORK/install.log"
echo "clean install: npm ci ok in $((t1 - t0)) s; $(grep -E '^(mediasoup worker|Electron|ffmpeg):' "$WORK/install.log" | tr '\n' ' ')"

HUB_PORT=$(free_port)
RENDERER_PORT=$(free_port)
RTC_PORT=$(free_port)
# setsid: npm start is a tree (npm → sh → tsx → node + the hub); stopping it is one signal to its process group.
setsid "${CLEAN_ENV[@]}" HUB_PORT="$HUB_PORT" RENDERER_PORT="$RENDERER_PORT" HUB_RTC_PORT="$RTC_PORT" \
  bash -c 'cd "$1" && . scripts/use-node.sh && exec npm start' _ "$TARGET" >"$WORK/start.log" 2>&1 &
START_PID=$!
deadline=$(($(date +%s) + 300))
until curl -fsS "http://127.0.0.1:$HUB_PORT/v1/live/status" 2>/dev/null | grep -q '"available":true' \
  && curl -fsS -o /dev/null "http://127.0.0.1:$RENDERER_PORT/"; do
  kill -0 "$START_PID" 2>/dev/null || fail "npm start exited" "$WORK/start.log"
  [ "$(date +%s)" -lt "$deadline" ] || fail "npm start did not serve the app and a live-capable hub within 300 s" "$WORK/start.log"
  sleep 2
done
t2=$(date +%s)
grep -q "打开 / open:  http://127.0.0.1:$RENDERER_PORT/" "$WORK/start.log" || fail "npm start did not print the app's address" "$WORK/start.log"
# The demo as the README promises it: the demo video made (no ffmpeg complaint) and the live lesson on air.
until grep -q 'hub: demo live lesson on air' "$WORK/start.log"; do
  grep -qE 'ffmpeg (not found|cannot run)|demo content skipped' "$WORK/start.log" && fail "npm start's demo has no ffmpeg" "$WORK/start.log"
  [ "$(date +%s)" -lt "$deadline" ] || fail "the demo live lesson did not go on air" "$WORK/start.log"
  sleep 1
done
echo "clean install: npm start served the app and a hub with live lessons in $((t2 - t1)) s"
kill -TERM -- "-$START_PID"
for _ in $(seq 1 20); do kill -0 "$START_PID" 2>/dev/null || break; sleep 0.5; done
kill -0 "$START_PID" 2>/dev/null && fail "npm start did not stop within 10 s of SIGTERM" "$WORK/start.log"
START_PID=""
echo "clean install: passed"
