#!/usr/bin/env bash
# Submits the slim job jar detached, as `flink run -d quantwatch-job.jar --config … --set …` does; extra arguments
# before `--` go to flink run (-p 2, -s SAVEPOINT, --allowNonRestoredState), after it to the job (--set k=v …).
set -euo pipefail
source "$(dirname "$0")/env.sh"
[ -f "$JOB_JAR" ] || { echo "no job jar at $JOB_JAR: build it with  mvn -pl jobs -am package -DskipTests" >&2; exit 2; }
flink_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do flink_args+=("$1"); shift; done
[ $# -gt 0 ] && shift
# The sampling salt is made once per local cluster and kept beside its state, so dedup and samples survive resubmits.
[ -s "$RUN/sampling-salt" ] || (umask 077; od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$RUN/sampling-salt")
exec "$here/flink.sh" run -d "${flink_args[@]}" "$JOB_JAR" \
  --config "$here/quantwatch-local.yaml" \
  --set "kafka.bootstrap-servers=127.0.0.1:$KAFKA_PORT" \
  --set "reference.model=$ROOT/models/quantwatch-demo-f16.gguf" \
  --set "checkpoint-dir=file://$RUN/checkpoints" \
  --set "sampling.salt=\${file:$RUN/sampling-salt}" \
  "$@"
