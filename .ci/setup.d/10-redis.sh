#!/usr/bin/env bash
# Redis for the tests: installed when missing, one server on 127.0.0.1:6379 started when nothing listens.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  apt_install redis-server
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 50); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 0.1; done
fi
