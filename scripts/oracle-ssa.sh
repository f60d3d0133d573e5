#!/bin/sh
# Regenerates the server-side-apply oracle fixtures (test/server/ssa-fixtures/*.json):
# installs Debian's Go and structured-merge-diff, builds ../shared/tools/ssa-oracle in a scratch
# directory (never inside the repository) and runs scripts/oracle-ssa-generate.ts against it.
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
oracle_src=$(cd ../shared/tools/ssa-oracle && pwd)
if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/sigs.k8s.io/structured-merge-diff ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-go golang-k8s-sigs-structured-merge-diff-dev
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp -r "$oracle_src"/. "$scratch"/
# SMD 4.1.2 collects conflicts with a reused path buffer (ConflictsFromManagers keeps `p`
# without copying it), so it may print one path in place of another; upstream later fixed it
# with `p.Copy()`. Build against a scratch copy of the library with that one-line fix, so the
# fixtures record the exact conflict sets.
cp -r /usr/share/gocode/src/sigs.k8s.io/structured-merge-diff "$scratch/smd"
sed -i 's/Path:    p,/Path:    p.Copy(),/' "$scratch/smd/merge/conflict.go"
grep -q 'p.Copy()' "$scratch/smd/merge/conflict.go"
sed -i "s#=> /usr/share/gocode/src/sigs.k8s.io/structured-merge-diff#=> ./smd#" "$scratch/go.mod"
sh "$scratch/build.sh"
npx tsx "$repo/scripts/oracle-ssa-generate.ts" "$scratch/smd-oracle"
npx prettier --write --log-level warn "$repo/test/server/ssa-fixtures"
