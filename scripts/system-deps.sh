#!/usr/bin/env bash
# Installs the system packages patgate needs, where missing (Debian/Ubuntu, as root):
#   java      AWS's DynamoDB Local (npm start, tests)
#   curl      the SigV4 tests drive real curl
#   chromium  the console's browser tests
# Usage: system-deps.sh java [curl chromium]
set -euo pipefail

declare -A package=([java]=openjdk-17-jre-headless [curl]=curl [chromium]=chromium)
declare -A present=([java]="command -v java" [curl]="command -v curl" [chromium]="test -x /usr/bin/chromium")

missing=()
for need in "$@"; do
  ${present[$need]} >/dev/null || missing+=("${package[$need]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  echo "patgate: please install: ${missing[*]}" >&2
  exit 1
fi
echo "patgate: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
