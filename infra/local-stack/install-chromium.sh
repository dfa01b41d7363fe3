#!/usr/bin/env bash
# Installs Debian's Chromium for the storefront's browser test (tests/.../Storefront/ChromiumFixture.cs runs this when
# /usr/bin/chromium is missing, so CI on a fresh machine gets it). Playwright's own browser download is never used.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo -n"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq chromium
