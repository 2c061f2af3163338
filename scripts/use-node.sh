# Source this file (`. scripts/use-node.sh`) on a machine whose Node is older than the project needs (Debian bookworm
# ships 18; some images 20). It puts the Node named in .node-version first on PATH for this shell, and points npm's
# native-addon builds (better-sqlite3) at that Node's own headers. The official Linux build is taken from the npm
# registry (package node-linux-<arch>, the binary the `node` package installs), so it works where only npm's registry
# and Debian's apt are reachable. Cached under ~/.cache/yunketang-node/<version>; a second call is instant.
# A machine whose Node is new enough is left as it is.
_ykt_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_ykt_want="$(tr -d ' \n' <"$_ykt_root/.node-version")"
_ykt_min_major=22
_ykt_min_minor=12
_ykt_have="$(node -p 'process.versions.node' 2>/dev/null || echo 0.0.0)"
_ykt_major="${_ykt_have%%.*}"
_ykt_minor="$(echo "$_ykt_have" | cut -d. -f2)"
if [ "$_ykt_major" -gt "$_ykt_min_major" ] || { [ "$_ykt_major" -eq "$_ykt_min_major" ] && [ "$_ykt_minor" -ge "$_ykt_min_minor" ]; }; then
  : # new enough
else
  case "$(uname -m)" in
    x86_64) _ykt_arch=x64 ;;
    aarch64 | arm64) _ykt_arch=arm64 ;;
    *) _ykt_arch="" ;;
  esac
  _ykt_dir="${XDG_CACHE_HOME:-$HOME/.cache}/yunketang-node/$_ykt_want"
  if [ -z "$_ykt_arch" ] || [ "$(uname -s)" != Linux ]; then
    echo "use-node: Node $_ykt_want is needed (this one is $_ykt_have); install it from your system's packages" >&2
  elif [ -x "$_ykt_dir/bin/node" ] || (
    set -e
    echo "use-node: Node $_ykt_have is older than $_ykt_min_major.$_ykt_min_minor: fetching Node $_ykt_want from the npm registry" >&2
    _tmp="$(mktemp -d)"
    trap 'rm -rf "$_tmp"' EXIT
    cd "$_tmp"
    npm pack --silent "node-linux-$_ykt_arch@$_ykt_want" >/dev/null
    mkdir unpacked
    tar xzf "node-linux-$_ykt_arch-$_ykt_want.tgz" -C unpacked --strip-components=1
    "unpacked/bin/node" -e 'process.exit(0)'
    mkdir -p "$(dirname "$_ykt_dir")"
    rm -rf "$_ykt_dir"
    mv unpacked "$_ykt_dir"
  ); then
    # npm's global config lives beside the Node it runs on; keep the machine's own (registry, proxy CA, …).
    if [ -z "${npm_config_globalconfig:-}" ] && _ykt_global="$(npm config get globalconfig 2>/dev/null)" && [ -f "$_ykt_global" ]; then
      export npm_config_globalconfig="$_ykt_global"
    fi
    export PATH="$_ykt_dir/bin:$PATH"
    # node-gyp builds native addons against these headers, not against the system Node's (npm's nodedir setting).
    export npm_config_nodedir="$_ykt_dir"
    hash -r 2>/dev/null || true
  else
    echo "use-node: could not fetch Node $_ykt_want from the npm registry" >&2
  fi
fi
unset _ykt_global _ykt_root _ykt_want _ykt_min_major _ykt_min_minor _ykt_have _ykt_major _ykt_minor _ykt_arch _ykt_dir
