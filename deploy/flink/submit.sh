#!/usr/bin/env bash
# One-shot (compose service submit): submits the guard job and the InfluxDB writer from the shaded
# jar to the session cluster, each unless it already runs, so `docker compose up` can be repeated.
# GUARD_ARGS / WRITER_ARGS hold the jobs' options (docs/configuration.md); GUARD_SAVEPOINT /
# WRITER_SAVEPOINT resume from a savepoint after an upgrade (docs/operations.md).
set -euo pipefail
jm=${FLINK_JOBMANAGER:-jobmanager:8081}
jar=${PILOTLIGHT_JAR:-/opt/pilotlight/pilotlight-jobs.jar}
flink=/opt/flink/bin/flink
: "${PILOTLIGHT_CONTROL_KEY:?PILOTLIGHT_CONTROL_KEY (the control signing key, at least 32 bytes) must be set}"
if [[ -z ${INFLUX_TOKEN:-} && -r /influx-tokens/writer ]]; then
  INFLUX_TOKEN=$(cat /influx-tokens/writer)   # the write-only token influxdb-init created
  export INFLUX_TOKEN
fi
: "${INFLUX_TOKEN:?INFLUX_TOKEN (write access to the bucket) must be set or created by influxdb-init}"

running=$("$flink" list --running -m "$jm")
submit() { # job-name savepoint args...
  local name=$1 savepoint=$2
  shift 2
  if grep -q " : ${name} (RUNNING)" <<<"$running"; then
    echo "${name} already running"
    return
  fi
  # shellcheck disable=SC2086  # the args are a word list by design
  "$flink" run --detached -m "$jm" ${savepoint:+--fromSavepoint "$savepoint"} "$@"
}

# shellcheck disable=SC2086
submit pilotlight-guard "${GUARD_SAVEPOINT:-}" "$jar" ${GUARD_ARGS}
# shellcheck disable=SC2086
submit pilotlight-influx-writer "${WRITER_SAVEPOINT:-}" --class dev.pilotlight.jobs.influx.InfluxWriterApplication "$jar" ${WRITER_ARGS}
