# The simulated force as an image: records, custody and intelligence (and the `interop` command).
#
#   bash deploy/wheelhouse.sh        # optional: wheels built on the host -> no network in the build
#   docker build -t interop/simulators:local .
#   docker build --build-arg BASE_IMAGE=interop/python-base:local -t interop/simulators:local .
#
# BASE_IMAGE is any Debian-family image with Python 3.11+ and its venv module: the official
# python:3.11-slim from a registry, or interop/python-base:local made on this machine with no
# registry at all (deploy/base-images.sh). No `# syntax=` line: that would fetch a BuildKit
# front end from a registry.
#
#   docker run --rm -p 127.0.0.1:8101-8103:8101-8103 interop/simulators:local          # all three
#   docker run --rm -p 127.0.0.1:8102:8102 -e INTEROP_RECORDS_URL=... interop/simulators:local custody
#   docker run --rm interop/simulators:local interop token --scopes records:read
ARG BASE_IMAGE=python:3.11-slim

FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/interop
# The virtual environment depends only on pyproject.toml and the wheels, so its layer survives
# source edits. The project is installed editable against placeholder packages: the install
# only records where `simulators` and `harness` live (/app), and the `interop` command.
# Wheels from deploy/wheelhouse/ when there are any (no network needed), else the package index.
COPY deploy/wheelhouse/ /wheels/
COPY pyproject.toml README.md /app/
RUN mkdir -p /app/simulators /app/harness \
 && touch /app/simulators/__init__.py /app/harness/__init__.py \
 && if ls /wheels/*.whl >/dev/null 2>&1; then \
        /opt/interop/bin/pip install --no-index --find-links /wheels -e /app; \
    else \
        /opt/interop/bin/pip install -e /app; \
    fi
# The source (.dockerignore keeps it to the packages, contracts/ and scenarios/, whichever exist).
COPY . /src/
RUN rm -rf /src/deploy

FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title="interop-range simulators" \
      org.opencontainers.image.description="Simulated police records, custody and intelligence systems"
ENV PATH=/opt/interop/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PACT_DO_NOT_TRACK=true \
    INTEROP_HOME=/var/lib/interop
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/interop --create-home interop
COPY --from=build /opt/interop /opt/interop
COPY --from=build /src /app
COPY deploy/entrypoint.sh /usr/local/bin/interop-entrypoint
COPY deploy/healthcheck.py /usr/local/bin/interop-healthcheck
RUN chmod 0755 /usr/local/bin/interop-entrypoint /usr/local/bin/interop-healthcheck
WORKDIR /app
USER interop
VOLUME /var/lib/interop
EXPOSE 8101 8102 8103
HEALTHCHECK --interval=5s --timeout=5s --start-period=300s --retries=3 CMD ["interop-healthcheck"]
ENTRYPOINT ["interop-entrypoint"]
CMD ["all"]
