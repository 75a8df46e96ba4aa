#!/usr/bin/env bash
# Installs the system packages patgate needs, where missing (Debian/Ubuntu, as root):
#   java      AWS's DynamoDB Local (npm start, tests)               required
#   curl      the SigV4 tests and the README's session drive real curl   required
#   jq        the README's session (test/readme.test.ts)                 optional
#   chromium  the console's browser tests                                optional
# Without an optional one (and without root to install it) its tests report themselves skipped, with the
# command that enables them.
# Usage: system-deps.sh java [curl jq chromium]
set -euo pipefail

declare -A package=([java]=openjdk-17-jre-headless [curl]=curl [jq]=jq [chromium]=chromium)
declare -A present=([java]="command -v java" [curl]="command -v curl" [jq]="command -v jq"
  [chromium]="test -x /usr/bin/chromium")
declare -A optional=([jq]=1 [chromium]=1)

missing=() required=()
for need in "$@"; do
  ${present[$need]} >/dev/null && continue
  missing+=("${package[$need]}")
  [ -z "${optional[$need]:-}" ] && required+=("${package[$need]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
  if [ ${#required[@]} -gt 0 ]; then
    echo "patgate: please install: ${required[*]} (Debian/Ubuntu: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "patgate: not installed: ${missing[*]}; the tests that need it are skipped (sudo apt-get install -y ${missing[*]} enables them)" >&2
  exit 0
fi

# Another apt-get (or unattended-upgrades) may hold the dpkg or lists lock: wait for it, bounded.
lock_deadline=$((SECONDS + 300))
apt() {
  local log
  log=$(mktemp)
  until DEBIAN_FRONTEND=noninteractive timeout 900 apt-get -o DPkg::Lock::Timeout=60 "$@" 2>"$log"; do
    if grep -qiE 'could not get lock|unable to acquire|is held by process' "$log" && [ $SECONDS -lt $lock_deadline ]; then
      echo "patgate: waiting for another package manager to finish…" >&2
      sleep 5
      continue
    fi
    cat "$log" >&2
    rm -f "$log"
    echo "patgate: could not install ${missing[*]}; install them and run again" >&2
    return 1
  done
  rm -f "$log"
}

echo "patgate: installing ${missing[*]}" >&2
apt update -qq
apt install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
