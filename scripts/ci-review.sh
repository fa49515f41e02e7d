#!/usr/bin/env bash
# Reviews the working tree against a base commit, the way CI does:
#   scripts/ci-review.sh <base ref, e.g. origin/main>   → review.md, exit code of `npm run review`
# The base is synthesized from a git worktree of the base commit (its own
# node_modules, its own contracts), so the review compares what each commit
# would deploy. If the base cannot be synthesized (e.g. before contract-mesh
# existed), the whole mesh is reviewed as new and a note says so.
set -uo pipefail
cd "$(dirname "$0")/.."
# The review compares every stack: a synth limited to some domains would not do.
unset MESH_DOMAINS
base_ref="${1:?usage: scripts/ci-review.sh <base ref>}"
work="$(mktemp -d)"
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || { rm -rf "$work/base"; git worktree prune; }; rm -rf "$work"' EXIT

base_sha="$(git rev-parse --short "$base_ref")" || exit 2
head_sha="$(git rev-parse --short HEAD)"
git worktree add --detach "$work/base" "$base_ref" >/dev/null || exit 2

base_args=()
if (cd "$work/base" && npm ci --no-audit --no-fund >/dev/null && CDKTF_OUTDIR="$work/base.out" npm run --silent synth); then
  base_args=(--base "$work/base.out" --base-label "$base_ref@$base_sha")
else
  echo "::warning::the base $base_ref@$base_sha could not be synthesized; reviewing the whole mesh as new" >&2
fi
npm run --silent synth || exit 1
npm run --silent review -- "${base_args[@]}" --head cdktf.out --head-label "HEAD@$head_sha" --out review.md
