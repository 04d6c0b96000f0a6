#!/usr/bin/env bash
# Build every wheel the simulator image needs on this host, into deploy/wheelhouse/, so that
# `docker build` installs with `pip --no-index` and needs no network inside the build (a container
# may not reach the package index, e.g. behind a TLS-inspecting proxy it does not trust).
#
#   bash deploy/wheelhouse.sh            # skipped when pyproject.toml has not changed since the last run
#   PYTHON=python3.11 bash deploy/wheelhouse.sh --force
#
# The wheels must suit the image's Python: build them with the same minor version (3.11 for
# interop/python-base:local and python:3.11-slim) on Linux x86_64 / glibc.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3
OUT=deploy/wheelhouse
STAMP="$OUT/.stamp"
want=$( (sha256sum pyproject.toml; "$PYTHON" -c 'import sys; print(sys.version_info[:2])') | sha256sum | cut -c1-16)
if [ "${1:-}" != --force ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "wheelhouse: up to date ($OUT)" >&2; exit 0
fi
mkdir -p "$OUT"
find "$OUT" -name '*.whl' -delete
started=$SECONDS
# The project's dependencies (not the project: the image installs it from source, editable), and
# the build backend pip needs for that install.
"$PYTHON" -m pip wheel --wheel-dir "$OUT" . "setuptools>=68" wheel >/tmp/interop-wheelhouse.log 2>&1 \
  || { tail -20 /tmp/interop-wheelhouse.log >&2; exit 1; }
rm -f "$OUT"/interop_range-*.whl
echo "$want" >"$STAMP"
echo "wheelhouse: $(ls "$OUT"/*.whl | wc -l) wheels, $(du -sm "$OUT" | cut -f1) MB in $((SECONDS - started)) s" >&2
