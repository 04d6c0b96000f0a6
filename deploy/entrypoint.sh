#!/bin/bash
# Entry point of the simulator image (Dockerfile).
#
#   records | custody | intelligence   serve that system on 0.0.0.0:${PORT:-its standard port}
#   all (the default)                  all of them in this container on 8101-8103, like `interop up`
#   anything else                      run it: `interop verify ...`, `interop token ...`, `bash`
#
# The systems and their ports come from the system registry (simulators/core/registry.py).
# Configuration is the simulators' INTEROP_* environment (README "Configuration"): INTEROP_DB for a
# shared PostgreSQL, INTEROP_<SYSTEM>_URL for where each system finds its peers, INTEROP_POPULATION,
# INTEROP_SEED. State (issuer key, population cache, SQLite files) lives in INTEROP_HOME
# (/var/lib/interop): share that volume between containers so one token works across all of them.
set -euo pipefail
HEALTH_PORTS=/tmp/interop-health-ports   # read by interop-healthcheck

registry() {  # registry names | ports | port SYSTEM | has SYSTEM
  python -m simulators.core.registry "$@"
}

serve() {  # serve SYSTEM PORT
  exec python -m simulators.serve "$1" --host "${INTEROP_BIND:-0.0.0.0}" --port "$2" \
    --threads "${INTEROP_THREADS:-8}"
}

case "${1:-all}" in
  all)
    # One container, a process per system; peers on loopback. The first to stop stops the others.
    registry ports >"$HEALTH_PORTS"
    pids=()
    for system in $(registry names); do
      (serve "$system" "$(registry port "$system")") &
      pids+=($!)
    done
    stopping=0
    trap 'stopping=1; kill -TERM "${pids[@]}" 2>/dev/null || true' TERM INT
    set +e
    wait -n
    status=$?
    kill -TERM "${pids[@]}" 2>/dev/null
    wait
    if [ "$stopping" = 1 ]; then exit 0; fi
    exit "$status"
    ;;
  *)
    if registry has "$1"; then
      port="${PORT:-$(registry port "$1")}"
      echo "$port" >"$HEALTH_PORTS"
      serve "$1" "$port"
    fi
    rm -f "$HEALTH_PORTS"
    exec "$@"
    ;;
esac
