#!/usr/bin/env bash
# Starts the whole local cluster: Kafka broker, JobManager and N TaskManagers (default 2), each its own JVM.
set -euo pipefail
source "$(dirname "$0")/env.sh"
n=${1:-2}
"$here/start-kafka.sh"
"$here/start-jobmanager.sh"
for k in $(seq 1 "$n"); do "$here/start-taskmanager.sh" "$k"; done
for _ in $(seq 1 600); do
  registered=$( { http_get /taskmanagers 2>/dev/null || true; } | grep -o '"id"' | wc -l || true)
  [ "$registered" -ge "$n" ] && { echo "cluster up: $n TaskManagers, REST http://127.0.0.1:$REST_PORT, Kafka 127.0.0.1:$KAFKA_PORT"; exit 0; }
  for k in $(seq 1 "$n"); do
    alive "taskmanager-$k" || { echo "TaskManager $k exited; the end of its log:" >&2; tail -n 40 "$RUN/logs/taskmanager-$k.log" >&2; exit 1; }
  done
  sleep 0.1
done
echo "only $registered of $n TaskManagers registered within 60 s; see $RUN/logs" >&2
exit 1
