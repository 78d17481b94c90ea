#!/usr/bin/env bash
# Debian's chromium and its driver, for the page's browser test (selenium drives them; nothing is downloaded).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  apt_install chromium chromium-driver
fi
