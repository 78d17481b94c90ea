#!/usr/bin/env bash
# Debian's Alertmanager, for the HA-pair delivery test (tests/delivery/test_alertmanager_ha.py starts its
# own two processes on free loopback ports). The package's own service is never started: a policy-rc.d
# that refuses every start is put in place for the install when the machine has none.
set -euo pipefail
if ! command -v prometheus-alertmanager >/dev/null 2>&1; then
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ] && [ "$(id -u)" = 0 ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt_install prometheus-alertmanager
fi
