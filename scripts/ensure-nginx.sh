#!/usr/bin/env bash
# Makes sure an nginx binary exists for the interop tests and prints its path.
# Idempotent: when nginx is already on PATH or at /usr/sbin/nginx nothing is installed.
# Installs Debian's nginx-light (or nginx when nginx-light is not in the registry);
# needs root for that. Exits non-zero with a message saying why when it cannot.
set -euo pipefail

find_nginx() {
  local found
  if found=$(command -v nginx 2>/dev/null) && [ -x "$found" ]; then
    printf '%s\n' "$found"
    return 0
  fi
  if [ -x /usr/sbin/nginx ]; then
    printf '%s\n' /usr/sbin/nginx
    return 0
  fi
  return 1
}

fail() {
  printf 'ensure-nginx: %s\n' "$*" >&2
  exit 1
}

if path=$(find_nginx); then
  printf '%s\n' "$path"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 \
  || fail "nginx is missing and apt-get is not available; install nginx by hand"
[ "$(id -u)" -eq 0 ] \
  || fail "nginx is missing and installing it needs root; run: sudo $0"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || fail "apt-get update failed"

# A package is installable when apt-cache policy names a candidate version.
has_candidate() {
  local candidate
  candidate=$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
  [ -n "$candidate" ] && [ "$candidate" != "(none)" ]
}

package=""
for name in nginx-light nginx; do
  if has_candidate "$name"; then
    package=$name
    break
  fi
done
[ -n "$package" ] || fail "neither nginx-light nor nginx is available from apt"

# The package's post-install script starts the system nginx on port 80; the tests never
# use it, and a missing init system (containers) must not fail the install.
apt-get install -y -qq --no-install-recommends "$package" >/dev/null \
  || fail "apt-get install $package failed"

path=$(find_nginx) || fail "installed $package but no nginx binary was found"
printf '%s\n' "$path"
