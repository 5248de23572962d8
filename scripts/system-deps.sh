#!/bin/sh
# Installs the system packages cxkb needs, from Debian's archive, only when missing:
#   java      - the HermiT reasoner (run by owlready2) is a Java program;
#   chromium  - with the argument "test": the browser the book's tests drive (Playwright);
#   npm       - with the argument "test": installs axe-core for the accessibility scan.
set -eu
need=""
command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
if [ "${1:-}" = "test" ]; then
    [ -x /usr/bin/chromium ] || need="$need chromium"
    command -v npm >/dev/null 2>&1 || need="$need npm"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing system packages:$need"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $need
