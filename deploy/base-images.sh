#!/usr/bin/env bash
# Make the base images locally, with no image registry: Debian's debootstrap builds a minimal
# bookworm root file system from the Debian mirror apt already uses, and `docker import` turns it
# into an image.
#
#   bash deploy/base-images.sh [--force] [python|postgres|all]
#
#   interop/python-base:local   Debian bookworm + python3 (3.11) + venv: BASE_IMAGE for the Dockerfile
#   interop/postgres:local      the same + PostgreSQL 15, started like the official image
#                               (POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB, data in
#                               /var/lib/postgresql/data): POSTGRES_IMAGE for compose.yaml
#
# An image that already exists is kept (pass --force to rebuild). Needs root (debootstrap, chroot).
# Environment: INTEROP_DEBIAN_MIRROR (default: the first Debian mirror in /etc/apt/sources*),
# INTEROP_DEBIAN_SUITE (default bookworm), INTEROP_PYTHON_BASE, INTEROP_POSTGRES_IMAGE (image names).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON_IMAGE="${INTEROP_PYTHON_BASE:-interop/python-base:local}"
POSTGRES_IMAGE="${INTEROP_POSTGRES_IMAGE:-interop/postgres:local}"
SUITE="${INTEROP_DEBIAN_SUITE:-bookworm}"
FORCE=0
WHAT=all
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    python|postgres|all) WHAT="$arg" ;;
    *) echo "usage: $0 [--force] [python|postgres|all]" >&2; exit 2 ;;
  esac
done

log() { echo "base-images: $*" >&2; }

have_image() { [ "$FORCE" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

mirror() {
  if [ -n "${INTEROP_DEBIAN_MIRROR:-}" ]; then echo "$INTEROP_DEBIAN_MIRROR"; return; fi
  local url
  # deb822 (.sources) "URIs:" lines and one-line "deb URL suite" entries; skip the security archive.
  url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' \
        | tr ' ' '\n' | grep -E '/debian/?$' | grep -v security | head -1 || true)
  echo "${url:-http://deb.debian.org/debian}"
}

need_tools() {
  local missing=()
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker >/dev/null || missing+=(docker.io)
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/tmp/interop-base-apt.log 2>&1
  fi
}

slim() {  # what an image does not need: apt lists, docs, man pages, caches
  local root="$1"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/* \
         "$root"/usr/share/info/* "$root"/var/cache/debconf/*-old "$root"/var/log/*.log "$root"/tmp/*
  find "$root"/usr/share/locale -mindepth 1 -maxdepth 1 ! -name 'en*' ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
  find "$root"/usr/lib/python3* -name __pycache__ -prune -exec rm -rf {} + 2>/dev/null || true
}

import_dir() {  # import_dir ROOT IMAGE --change ... : the folder becomes an image
  local root="$1" image="$2"; shift 2
  tar --numeric-owner -C "$root" -c . | docker import "$@" - "$image" >/dev/null
  log "made $image ($(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%d MB", $1/1e6}'))"
}

ROOT=""
cleanup() {
  if [ -n "$ROOT" ] && [ -d "$ROOT" ]; then
    for m in proc sys dev/pts dev; do umount -l "$ROOT/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$ROOT"
  fi
}
trap cleanup EXIT

make_rootfs() {
  local started=$SECONDS url
  url=$(mirror)
  ROOT=$(mktemp -d "${TMPDIR:-/var/tmp}/interop-rootfs.XXXXXX")
  log "debootstrap $SUITE from $url into $ROOT"
  debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates,tzdata \
    "$SUITE" "$ROOT" "$url" >/tmp/interop-debootstrap.log 2>&1 \
    || { tail -20 /tmp/interop-debootstrap.log >&2; exit 1; }
  # Services must not start inside the chroot while packages install.
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
  chmod +x "$ROOT/usr/sbin/policy-rc.d"
  echo "deb $url $SUITE main" >"$ROOT/etc/apt/sources.list"
  log "root file system ready in $((SECONDS - started)) s"
}

PY_CHANGES=(--change 'ENV LANG=C.UTF-8' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
            --change 'CMD ["python3"]')

build_python() {
  slim "$ROOT"
  rm -f "$ROOT/usr/sbin/policy-rc.d"
  import_dir "$ROOT" "$PYTHON_IMAGE" "${PY_CHANGES[@]}"
  printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"; chmod +x "$ROOT/usr/sbin/policy-rc.d"
}

build_postgres() {
  local started=$SECONDS
  mkdir -p "$ROOT/etc/postgresql-common"
  # No cluster at install time: the entrypoint creates one in the data folder on first start.
  echo "create_main_cluster = false" >"$ROOT/etc/postgresql-common/createcluster.conf"
  mount --bind /proc "$ROOT/proc" 2>/dev/null || true
  chroot "$ROOT" apt-get update -qq >/tmp/interop-pg-chroot.log 2>&1
  DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -qq --no-install-recommends postgresql \
    >>/tmp/interop-pg-chroot.log 2>&1 || { tail -20 /tmp/interop-pg-chroot.log >&2; exit 1; }
  umount -l "$ROOT/proc" 2>/dev/null || true
  install -m 0755 deploy/postgres-entrypoint.sh "$ROOT/usr/local/bin/docker-entrypoint.sh"
  mkdir -p "$ROOT/var/lib/postgresql/data" "$ROOT/var/run/postgresql"
  chroot "$ROOT" chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
  rm -f "$ROOT/usr/sbin/policy-rc.d"
  slim "$ROOT"
  import_dir "$ROOT" "$POSTGRES_IMAGE" "${PY_CHANGES[@]}" \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'EXPOSE 5432' \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' --change 'CMD ["postgres"]'
  log "PostgreSQL added in $((SECONDS - started)) s"
}

want_python=0; want_postgres=0
case "$WHAT" in python) want_python=1 ;; postgres) want_postgres=1 ;; all) want_python=1; want_postgres=1 ;; esac
if [ "$want_python" = 1 ] && have_image "$PYTHON_IMAGE"; then log "$PYTHON_IMAGE exists"; want_python=0; fi
if [ "$want_postgres" = 1 ] && have_image "$POSTGRES_IMAGE"; then log "$POSTGRES_IMAGE exists"; want_postgres=0; fi
if [ "$want_python" = 0 ] && [ "$want_postgres" = 0 ]; then exit 0; fi

need_tools
make_rootfs
if [ "$want_python" = 1 ]; then build_python; fi
if [ "$want_postgres" = 1 ]; then build_postgres; fi
