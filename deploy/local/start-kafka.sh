#!/usr/bin/env bash
# Starts a single-node KRaft Kafka broker (broker + controller) as its own JVM on 127.0.0.1:$KAFKA_PORT.
set -euo pipefail
source "$(dirname "$0")/env.sh"
need_lib "$KAFKA_LIB" kafka-lib
data=$RUN/kafka-data
mkdir -p "$data"
cat >"$RUN/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
cp=("-cp" "$KAFKA_LIB/*")
if [ ! -f "$data/meta.properties" ]; then
  id=$("$JAVA" "${cp[@]}" kafka.tools.StorageTool random-uuid)
  "$JAVA" "${cp[@]}" -Dlog4j2.configurationFile="$here/conf/log4j.properties" -Dlog.file="$RUN/logs/kafka-format.log" \
    kafka.tools.StorageTool format -t "$id" -c "$RUN/server.properties" >"$RUN/logs/kafka-format.out"
fi
log_lines=$(lines_of "$RUN/logs/kafka.log")
start_process kafka "$RUN/logs/kafka.out" "$JAVA" -Xmx512m "${cp[@]}" \
  -Dlog4j2.configurationFile="$here/conf/log4j.properties" -Dlog.file="$RUN/logs/kafka.log" \
  kafka.Kafka "$RUN/server.properties"
# The broker's own signal: KafkaRaftServer logs this once broker and controller are up and the listener serves.
wait_until 60 "Kafka" kafka "$RUN/logs/kafka.log" log_has_since "$RUN/logs/kafka.log" "$log_lines" "Kafka Server started"
