# One image for every kubetriage function; KUBETRIAGE_FUNCTION picks which one runs.
# Pinned base (bump deliberately): Debian bookworm slim with CPython 3.11.
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
COPY functions ./functions
COPY devtools ./devtools
RUN pip install --no-cache-dir --prefix=/install . \
 && python -m compileall -q /install

FROM python:3.11.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 PORT=8080 KUBETRIAGE_FUNCTION=router \
    KUBETRIAGE_STATE_DIR=/tmp/kubetriage
COPY --from=build /install /usr/local
WORKDIR /app
COPY functions ./functions
RUN python -m compileall -q /app/functions \
 && useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin kubetriage
USER 10001
EXPOSE 8080
CMD ["sh", "-c", "exec functions-framework --source functions/${KUBETRIAGE_FUNCTION}/main.py --target handle --port ${PORT}"]
