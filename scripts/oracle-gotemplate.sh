#!/usr/bin/env bash
# Regenerates the Go template oracle fixtures (test/gotemplate/fixtures/): installs the oracle's
# Debian packages, builds ../shared/tools/gotemplate-oracle into a scratch folder, runs the corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
oracle_src=../shared/tools/gotemplate-oracle
packages=(golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
bash "$oracle_src/build.sh" "$scratch/gotemplate-oracle"
npx tsx scripts/oracle-gotemplate-corpus.ts --oracle "$scratch/gotemplate-oracle"
