#!/bin/sh
# Installs the system packages cxkb needs, from Debian's archive, only when missing:
#   java  - the HermiT reasoner (run by owlready2) is a Java program.
set -eu
need=""
command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
[ -z "$need" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
echo "installing system packages:$need"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $need
