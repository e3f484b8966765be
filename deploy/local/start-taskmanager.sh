#!/usr/bin/env bash
# Starts TaskManager K (default 1) as its own JVM (TaskManagerRunner), sized the way bin/taskmanager.sh sizes it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
k=${1:-1}
need_lib "$FLINK_LIB" flink-lib
[ -f "$RUN/conf/config.yaml" ] || write_flink_conf
if [ -n "${FLINK_HOME:-}" ]; then
  start_process "taskmanager-$k" "$RUN/logs/taskmanager-$k.out" \
    env FLINK_CONF_DIR="$RUN/conf" FLINK_LOG_DIR="$RUN/logs" "$FLINK_HOME/bin/taskmanager.sh" start-foreground \
    -D "taskmanager.resource-id=taskmanager-$k"
else
  mapfile -t params < <("$JAVA" -cp "$FLINK_LIB/*" org.apache.flink.runtime.util.bash.BashJavaUtils \
    GET_TM_RESOURCE_PARAMS --configDir "$RUN/conf" | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p')
  # shellcheck disable=SC2086
  start_process "taskmanager-$k" "$RUN/logs/taskmanager-$k.out" "$JAVA" ${params[0]} $FLINK_JVM_OPTS -cp "$FLINK_LIB/*" \
    -Dlog.file="$RUN/logs/taskmanager-$k.log" -Dlog4j.configurationFile="$RUN/conf/log4j.properties" \
    org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$RUN/conf" ${params[1]} \
    -D "taskmanager.resource-id=taskmanager-$k"
fi
