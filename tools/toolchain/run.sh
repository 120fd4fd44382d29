#!/usr/bin/env bash
# Entry point of the README commands. Provisions the pinned toolchain (Node 22 and pnpm,
# both from the npm registry) into .toolchain/, installs the workspace, then runs a job.
# Needs only Node 20+, npm, bash and coreutils: see docs/decisions/0001-toolchain.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

# `npm run` exports its own configuration as npm_* variables; pnpm would read them as
# its own settings, so the job starts from a clean slate.
while IFS= read -r var; do
  case "$var" in npm_* | NPM_*) unset "$var" ;; esac
done < <(compgen -e)

toolchain="$root/.toolchain"
stamp="$toolchain/node_modules/.atmosphere-stamp"
want="$(sha256sum "$toolchain/package-lock.json" | cut -d' ' -f1)"
if [[ ! -x "$toolchain/node_modules/.bin/node" || ! -x "$toolchain/node_modules/.bin/pnpm" ||
  "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
  echo "› provisioning Node 22 and pnpm from the npm registry into .toolchain/ (first run only)" >&2
  (cd "$toolchain" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
export PATH="$toolchain/node_modules/.bin:$root/node_modules/.bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 NEXT_TELEMETRY_DISABLED=1
export TURBO_NO_UPDATE_NOTIFIER=1 COREPACK_ENABLE_STRICT=0

node -e 'const [maj, min] = process.versions.node.split(".").map(Number);
if (maj !== 22 || min < 20) { console.error(`toolchain node ${process.version} is not 22.20+`); process.exit(1) }'

echo "› node $(node --version), pnpm $(pnpm --version): installing the workspace" >&2
pnpm install --frozen-lockfile --prefer-offline --reporter=append-only --config.confirmModulesPurge=false >&2

job="${1:-}"
shift || true
case "$job" in
  test) exec node tools/test/run-all.mjs "$@" ;;
  devnet)
    pnpm turbo run build --filter=@atmosphere/node... --output-logs=errors-only
    exec node apps/node/dist/src/cli.js devnet "$@"
    ;;
  shell) exec "${SHELL:-bash}" ;;
  *)
    echo "usage: tools/toolchain/run.sh test|devnet|shell [args...]" >&2
    exit 2
    ;;
esac
