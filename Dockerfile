# The mock and the contract suite in one image:
#   docker run -p 8080:8080 IMAGE                         serves the API on port 8080
#   docker run IMAGE contracts --base-url URL ...         checks an implementation
# Arguments that are not a command go to `mockserver` (`docker run IMAGE --seed 7`,
# `docker run IMAGE keys`). See "Run it in a container" in the README.

# Debian's own Python, in both stages: the venv built in the first one runs unchanged in
# the second, which gets no compiler, no pip and no package lists.
FROM debian:bookworm-slim AS build

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# A CA bundle for pip, mounted into the build, for networks whose TLS is inspected:
#   --volume /etc/ssl/certs/ca-certificates.crt:/etc/pip-ca.crt:ro --build-arg PIP_CERT=/etc/pip-ca.crt
# Unset, pip uses its own bundle.
ARG PIP_CERT

COPY pyproject.toml README.md /src/
COPY mockserver /src/mockserver
COPY contracts /src/contracts
COPY tests /src/tests
COPY examples /src/examples
COPY benchmarks /src/benchmarks

# The README's install, not editable: the project's wheel and its dependencies in a venv.
# pip and setuptools leave the venv once they have done their work.
RUN if [ -z "${PIP_CERT:-}" ]; then unset PIP_CERT; fi \
    && python3 -m venv /opt/mockserver \
    && /opt/mockserver/bin/pip install --no-cache-dir --disable-pip-version-check /src \
    && /opt/mockserver/bin/pip uninstall --yes --quiet pip setuptools

FROM debian:bookworm-slim

# The version is pyproject.toml's (a test keeps them equal); the source is the repository's
# address, given where the image is published: --build-arg SOURCE=https://...
ARG VERSION=0.1.0
ARG SOURCE=""
LABEL org.opencontainers.image.title="auditlog-mock" \
      org.opencontainers.image.description="A seeded mock server and a contract suite for the Audit Log & Project API" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT"

RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 tini \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log \
    && groupadd --gid 10001 mockserver \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin mockserver

COPY --from=build /opt/mockserver /opt/mockserver

# Nothing is written at run time: no bytecode (it was compiled at install), logs on
# standard error. The control API follows its rule off the loopback: on with
# MOCKSERVER_CONTROL_TOKEN, otherwise off, as the line at start says.
ENV PATH="/opt/mockserver/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MOCKSERVER_HOST=0.0.0.0 \
    MOCKSERVER_PORT=8080

USER 10001:10001
EXPOSE 8080

# /__mock/health answers with or without the control API and needs no token. No curl in
# the image: Debian's Python asks, bypassing any proxy the environment names.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python3", "-c", "import os, urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:%s/__mock/health' % os.environ.get('MOCKSERVER_PORT', '8080'), timeout=2)"]

# PID 1 ignores every signal it has no handler for, and Python has none for SIGTERM
# until mockserver has imported its code (half a second or more): a SIGTERM sent then
# would be lost, and the engine would wait for SIGKILL. Debian's tini (0.7 MB) is PID 1
# instead and passes signals on, so SIGTERM stops the server at any moment: at once while
# it starts, after the requests in flight once it serves.
ENTRYPOINT ["/usr/bin/tini", "--", "/bin/sh", "-c", "case \"$(command -v -- \"${1:-}\" 2> /dev/null)\" in /*) exec \"$@\";; esac; exec mockserver \"$@\"", "mockserver"]
