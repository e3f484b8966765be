#!/usr/bin/env bash
# Creates the job's topics on the local broker (kafka-topics --create --if-not-exists), 2 partitions each.
# The prompts topic takes records up to 16 MiB, so an oversized prompt reaches the job and its dead-letter topic.
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_lib "$KAFKA_LIB" kafka-lib
topics() {
  "$JAVA" -cp "$KAFKA_LIB/*" -Dlog4j2.configurationFile="$here/conf/log4j.properties" -Dlog.file="$RUN/logs/topics.log" \
    org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" "$@"
}
topics --create --if-not-exists --topic prompts --partitions 2 --config max.message.bytes=16777216
for t in prompts-dlq shadow-records drift-metrics drift-alerts drift-samples; do
  topics --create --if-not-exists --topic "$t" --partitions 2
done
topics --list
