#!/usr/bin/env bash
# A Docker engine for the tests, and the small test image they run (no image registry needed).
#
#   bash .ci/docker.sh start   # idempotent: docker.io, docker-compose (Debian 12: v1) and
#                              # busybox-static installed, dockerd answering, test image built
#                              # (skipped when it is up to date)
#   bash .ci/docker.sh image   # rebuild only the test image
#   bash .ci/docker.sh stop    # stop dockerd if this script started it (never one it found running)
#
# The test image, interop-test/busybox:local (about 2 MB), is Debian's static busybox plus
# /app/run.sh, which plays a product according to MODE (tests/docker/ use every mode):
#   serve (default)  HTTP on ${PORT:-8080}: /health -> {"status": "ok"}, /env.txt -> its environment
#   exit             prints "fatal: ..." and exits ${EXIT_CODE:-3} at once
#   silent           runs but never listens
#   slow             listens only after ${DELAY:-3} s
#   fetch            GETs http://${PEER_HOST}:${PEER_PORT}${PEER_PATH:-/health} into /www/peer.txt (what
#                    it found on the host: the simulators a product calls), then serves
#   consume          a consumer for `interop observe --run docker:...`: takes a token with
#                    INTEROP_CLIENT_ID/SECRET, reads GET /nominals from INTEROP_RECORDS_URL, and on a
#                    200 reports that action in INTEROP_ACTIONS_FILE; exits 0 (1 if refused)
set -euo pipefail
TEST_IMAGE="${INTEROP_TEST_IMAGE:-interop-test/busybox:local}"
IMAGE_VERSION=5   # bump when the image's content below changes: existing images are rebuilt
STARTED_MARK=/tmp/interop-dockerd.started
DOCKERD_LOG=/tmp/interop-dockerd.log

log() { echo "docker.sh: $*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

install_packages() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  # compose.yaml's slow test uses the compose command when there is one (else the SDK).
  if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then
    missing+=(docker-compose)
  fi
  # The image holds nothing but busybox: it must be the static build (Debian's busybox-static).
  local linkage=""
  [ -x /bin/busybox ] && linkage=$(LANG=C ldd /bin/busybox 2>&1 || true)
  if [[ "$linkage" != *"not a dynamic executable"* ]]; then
    missing+=(busybox-static)
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") \
      >/tmp/interop-docker-apt.log 2>&1 || { tail -20 /tmp/interop-docker-apt.log >&2; exit 1; }
  fi
}

start_engine() {
  if engine_answers; then return; fi
  log "starting dockerd (log: $DOCKERD_LOG)"
  nohup dockerd >"$DOCKERD_LOG" 2>&1 &
  echo $! >"$STARTED_MARK"
  for _ in $(seq 1 120); do
    if engine_answers; then log "dockerd answers"; return; fi
    if ! kill -0 "$(cat "$STARTED_MARK")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  log "dockerd did not start:"; tail -20 "$DOCKERD_LOG" >&2; exit 1
}

build_test_image() {
  local root
  root=$(mktemp -d /tmp/interop-test-image.XXXXXX)
  mkdir -p "$root/bin" "$root/app" "$root/www" "$root/tmp" "$root/etc"
  cp /bin/busybox "$root/bin/busybox"
  for applet in sh cat echo env httpd ls mkdir sleep wget nc date hostname true false; do
    ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  printf '{"status": "ok", "system": "test-product"}\n' >"$root/www/health"
  cat >"$root/app/run.sh" <<'SCRIPT'
#!/bin/sh
# The test product of tests/docker/ (see .ci/docker.sh).
PORT="${PORT:-8080}"
serve() {
  env | sort >/www/env.txt
  echo "test-product: listening on ${PORT}"
  exec httpd -f -v -p "$PORT" -h /www
}
case "${MODE:-serve}" in
  serve) serve ;;
  exit) echo "test-product: fatal: ${EXIT_MESSAGE:-no licence key configured}" >&2; exit "${EXIT_CODE:-3}" ;;
  silent) echo "test-product: starting, but this one never listens"; exec sleep 3600 ;;
  slow) echo "test-product: warming up for ${DELAY:-3} s"; sleep "${DELAY:-3}"; serve ;;
  fetch)
    # busybox-static's wget crashes on name look-ups; nc reads /etc/hosts (host.docker.internal).
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "${PEER_PATH:-/health}" "$PEER_HOST" \
      | nc -w 5 "$PEER_HOST" "$PEER_PORT" >/www/peer.txt 2>&1
    echo "test-product: asked http://$PEER_HOST:$PEER_PORT${PEER_PATH:-/health}: $(head -1 /www/peer.txt)"
    serve ;;
  consume)
    u=${INTEROP_RECORDS_URL#http://}; hp=${u%%/*}; h=${hp%:*}; p=${hp##*:}
    form="grant_type=client_credentials&client_id=${INTEROP_CLIENT_ID}&client_secret=${INTEROP_CLIENT_SECRET}&scope=records:read"
    resp=$(printf 'POST /oauth/token HTTP/1.0\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %s\r\n\r\n%s' \
      "$hp" "${#form}" "$form" | nc -w 5 "$h" "$p")
    tok=${resp#*\"access_token\"}; tok=${tok#*\"}; tok=${tok%%\"*}
    answer=$(printf 'GET /nominals?limit=5 HTTP/1.0\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n' "$hp" "$tok" \
      | nc -w 5 "$h" "$p")
    status=${answer%%
*}
    echo "test-product: GET /nominals: $status"
    case "$status" in
      "HTTP/1."?" 200"*) echo '{"system": "records", "method": "GET", "path": "/nominals"}' >>"$INTEROP_ACTIONS_FILE"; exit 0 ;;
    esac
    exit 1 ;;
  *) echo "test-product: unknown MODE=$MODE" >&2; exit 64 ;;
esac
SCRIPT
  chmod 0755 "$root/app/run.sh"
  chmod 1777 "$root/tmp"
  tar --numeric-owner -C "$root" -c . | docker import \
    --change "LABEL org.interop.test-image=$IMAGE_VERSION" \
    --change 'ENV PATH=/bin' \
    --change 'EXPOSE 8080' \
    --change 'CMD ["/bin/sh", "/app/run.sh"]' - "$TEST_IMAGE" >/dev/null
  rm -rf "$root"
  log "built $TEST_IMAGE"
}

image_current() {
  [ "$(docker image inspect -f '{{ index .Config.Labels "org.interop.test-image" }}' "$TEST_IMAGE" 2>/dev/null)" \
    = "$IMAGE_VERSION" ]
}

case "${1:-start}" in
  start)
    install_packages
    start_engine
    image_current || build_test_image
    ;;
  image)
    install_packages
    engine_answers || { log "no Docker engine answers: run '$0 start'"; exit 1; }
    build_test_image
    ;;
  stop)
    if [ -f "$STARTED_MARK" ]; then
      pid=$(cat "$STARTED_MARK")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      rm -f "$STARTED_MARK"
      log "dockerd stopped"
    fi
    ;;
  *) echo "usage: $0 start|image|stop" >&2; exit 2 ;;
esac
