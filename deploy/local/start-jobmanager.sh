#!/usr/bin/env bash
# Starts the JobManager (StandaloneSessionClusterEntrypoint) as its own JVM, sized the way bin/jobmanager.sh sizes it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_lib "$FLINK_LIB" flink-lib
write_flink_conf
if [ -n "${FLINK_HOME:-}" ]; then
  start_process jobmanager "$RUN/logs/jobmanager.out" \
    env FLINK_CONF_DIR="$RUN/conf" FLINK_LOG_DIR="$RUN/logs" "$FLINK_HOME/bin/jobmanager.sh" start-foreground
else
  mapfile -t params < <("$JAVA" -cp "$FLINK_LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    GET_JM_RESOURCE_PARAMS --configDir "$RUN/conf" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
  # shellcheck disable=SC2086
  start_process jobmanager "$RUN/logs/jobmanager.out" "$JAVA" ${params[0]} $FLINK_JVM_OPTS -cp "$FLINK_LIB/*" \
    -Dlog.file="$RUN/logs/jobmanager.log" -Dlog4j.configurationFile="$RUN/conf/log4j.properties" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$RUN/conf" ${params[1]}
fi
# Ready when its REST API answers the cluster overview (the port opens earlier, while the dispatcher starts).
wait_until 60 "JobManager" jobmanager "$RUN/logs/jobmanager.log" http_ok /overview
