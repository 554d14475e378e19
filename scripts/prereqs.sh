#!/usr/bin/env bash
# Checks what `make demo` and `make test` need and says what is missing.
#   prereqs.sh             Python >= 3.11 with venv (enough for the demo)
#   prereqs.sh --services  also Chromium and redis-server for the tests; as root
#                          it installs them with apt-get, otherwise it prints the command.
set -u
services=0
[ "${1:-}" = "--services" ] && services=1
missing=0
need_py="3.11"
py="${PYTHON:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "prereqs: $py not found; install Python >= $need_py (Debian: apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "prereqs: $py is $("$py" -V 2>&1); Python >= $need_py is required" >&2
  exit 1
fi
if ! "$py" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  echo "prereqs: the venv module is missing (Debian: apt-get install python3-venv)" >&2
  missing=1
fi

# Services used by the tests (the demo needs none of them).
[ $services = 1 ] || exit $missing
pkgs=()
[ -x /usr/bin/chromium ] || pkgs+=(chromium)
command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
if [ ${#pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "prereqs: installing ${pkgs[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null \
      || { echo "prereqs: apt-get install ${pkgs[*]} failed" >&2; missing=1; }
  else
    echo "prereqs: missing Debian packages: ${pkgs[*]}; the Chromium and Redis tests" >&2
    echo "prereqs: will be skipped (or fail when MESEC_REQUIRE_SERVICES=1). Install them with:" >&2
    echo "prereqs:   sudo apt-get install ${pkgs[*]}" >&2
  fi
fi
exit $missing
