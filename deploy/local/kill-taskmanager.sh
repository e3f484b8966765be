#!/usr/bin/env bash
# Kills TaskManager K with SIGKILL (a lost host: no shutdown hooks, no goodbye to the JobManager).
set -euo pipefail
source "$(dirname "$0")/env.sh"
stop_process "taskmanager-${1:-1}" KILL
