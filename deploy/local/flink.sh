#!/usr/bin/env bash
# The `flink` command line against this cluster (CliFrontend, or $FLINK_HOME/bin/flink): run, list, stop, cancel, ….
set -euo pipefail
source "$(dirname "$0")/env.sh"
[ -f "$RUN/conf/config.yaml" ] || write_flink_conf
export FLINK_CONF_DIR="$RUN/conf"
if [ -n "${FLINK_HOME:-}" ]; then
  exec "$FLINK_HOME/bin/flink" "$@"
fi
need_lib "$FLINK_LIB" flink-lib
# shellcheck disable=SC2086
exec "$JAVA" $FLINK_JVM_OPTS -cp "$FLINK_LIB/*" -Dlog.file="$RUN/logs/client.log" \
  -Dlog4j.configurationFile="$RUN/conf/log4j-cli.properties" org.apache.flink.client.cli.CliFrontend "$@"
