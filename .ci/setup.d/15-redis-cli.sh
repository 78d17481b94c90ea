#!/usr/bin/env bash
# redis-cli joins the test Redis Cluster (tests/redis_cluster.py); Debian ships it in redis-tools.
set -euo pipefail
if ! command -v redis-cli >/dev/null 2>&1; then
  apt_install redis-tools
fi
