#!/usr/bin/env bash
# Stops every process these scripts started (and only those: the PIDs under $RUN/pids), TaskManagers first.
set -euo pipefail
source "$(dirname "$0")/env.sh"
for f in "$RUN"/pids/taskmanager-*.pid; do
  [ -e "$f" ] && stop_process "$(basename "$f" .pid)"
done
stop_process jobmanager
stop_process kafka
