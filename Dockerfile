# syntax=docker/dockerfile:1
# One image for every kubetriage function; KUBETRIAGE_FUNCTION picks which one runs:
#   docker build -t kubetriage:0.1.0 .
#   docker run -p 8080:8080 -e KUBETRIAGE_FUNCTION=router kubetriage:0.1.0
#
# Base: CPython 3.11 on Debian bookworm slim, pinned to a patch release. Pin it by digest
# when you build for production (`docker buildx imagetools inspect python:3.11.11-slim-bookworm`
# shows the current one) and let a bot bump it: a digest copied from old docs would pin old
# Debian packages with their security holes.
ARG PYTHON_IMAGE=python:3.11.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# pyproject.toml names README.md as the package's readme, so the build needs it.
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY functions ./functions
# The runtime dependencies only (no [dev] extra), into a prefix copied whole into the final
# stage. Byte-compiled with hashes rather than timestamps, so the .pyc files stay valid
# whatever mtimes the copy leaves, and a read-only filesystem costs no recompilation.
RUN pip install --prefix=/install . \
 && python -m compileall -q --invalidation-mode unchecked-hash /install functions

FROM ${PYTHON_IMAGE}
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PORT=8080 \
    FUNCTION_TARGET=handle \
    KUBETRIAGE_FUNCTION=router \
    KUBETRIAGE_STATE_DIR=/tmp/kubetriage
RUN groupadd --system --gid 10001 kubetriage \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin kubetriage
COPY --from=build /install /usr/local
WORKDIR /app
# functions-framework loads the function by file path (--source), so the sources stay here.
COPY --from=build /src/functions ./functions
# Numeric, so Kubernetes can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
EXPOSE 8080
# A shell expands the variables; exec hands PID 1 to gunicorn so SIGTERM drains in-flight
# requests. An unset KUBETRIAGE_FUNCTION fails at once with a clear message.
CMD ["/bin/sh", "-c", "exec functions-framework --source \"functions/${KUBETRIAGE_FUNCTION:?set KUBETRIAGE_FUNCTION, e.g. router or k8s_troubleshooter}/main.py\" --target \"${FUNCTION_TARGET:-handle}\" --port \"${PORT:-8080}\""]
