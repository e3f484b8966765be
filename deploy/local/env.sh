# Shared settings of the deploy/local scripts (sourced, not run). Every value can be overridden from the environment.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$here/../.." && pwd)
RUN=${QW_LOCAL_RUN:-$here/run}                      # pids, logs, config, Kafka data, checkpoints
FLINK_LIB=${QW_FLINK_LIB:-$here/flink-lib/target/lib}
KAFKA_LIB=${QW_KAFKA_LIB:-$here/kafka-lib/target/lib}
JOB_JAR=${QW_JOB_JAR:-$ROOT/jobs/target/quantwatch-job.jar}
KAFKA_PORT=${QW_KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${QW_KAFKA_CONTROLLER_PORT:-19093}
REST_PORT=${QW_REST_PORT:-18081}
RPC_PORT=${QW_RPC_PORT:-16123}
FLINK_PROM_PORTS=${QW_FLINK_PROM_PORTS:-19249-19259}  # Flink's Prometheus reporter: each process takes the next free one
JAVA=${JAVA:-java}
# What a distribution's config.yaml puts in env.java.opts.all (Flink reflects into these JDK packages on Java 17),
# plus the Vector API module the engine's kernels use.
FLINK_JVM_OPTS="--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED \
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
--add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED \
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED \
--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED --add-modules=jdk.incubator.vector"
mkdir -p "$RUN/pids" "$RUN/logs"

need_lib() { # $1 dir, $2 module
  if [ -z "${FLINK_HOME:-}" ] || [ "$2" = kafka-lib ]; then
    if ! ls "$1"/*.jar >/dev/null 2>&1; then
      echo "no jars in $1: build them first with  mvn -pl deploy/local/$2 package" >&2
      exit 2
    fi
  fi
}

# start_process NAME LOGFILE CMD...: runs CMD in the background, records its PID in $RUN/pids/NAME.pid.
start_process() {
  local name=$1 log=$2; shift 2
  if alive "$name"; then
    echo "$name already running (pid $(cat "$RUN/pids/$name.pid"))" >&2
    return 0
  fi
  nohup "$@" >"$log" 2>&1 </dev/null &
  echo $! >"$RUN/pids/$name.pid"
  echo "$name started (pid $!, log $log)"
}

alive() { [ -f "$RUN/pids/$1.pid" ] && kill -0 "$(cat "$RUN/pids/$1.pid")" 2>/dev/null; }

# stop_process NAME [SIGNAL]: signals only the PID this directory's scripts started, then waits for it.
stop_process() {
  local name=$1 sig=${2:-TERM} pid
  [ -f "$RUN/pids/$name.pid" ] || return 0
  pid=$(cat "$RUN/pids/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "-$sig" "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
    echo "$name stopped (pid $pid, SIG$sig)"
  fi
  rm -f "$RUN/pids/$name.pid"
}

# wait_until SECONDS WHAT NAME LOG CMD...: polls CMD (the process's own readiness signal, never an open port) every
# 0.1 s until it succeeds; fails at once if process NAME exits, and after SECONDS, with the tail of LOG either way.
wait_until() {
  local secs=$1 what=$2 name=$3 log=$4; shift 4
  for _ in $(seq 1 $(( secs * 10 ))); do
    "$@" >/dev/null 2>&1 && return 0
    if ! alive "$name"; then
      echo "$what exited before it was ready; the end of $log:" >&2
      tail -n 40 "$log" >&2 || true
      return 1
    fi
    sleep 0.1
  done
  echo "$what was not ready within $secs s; the end of $log:" >&2
  tail -n 40 "$log" >&2 || true
  return 1
}

# log_has_since FILE LINE TEXT: whether FILE holds TEXT after its first LINE lines (logs are appended across restarts).
log_has_since() { tail -n "+$(( $2 + 1 ))" "$1" 2>/dev/null | grep -qF "$3"; }

# lines_of FILE: how many lines FILE has now (0 when it does not exist yet).
lines_of() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# The Flink configuration directory every process of this cluster reads: conf/ with this run's ports and paths.
write_flink_conf() {
  mkdir -p "$RUN/conf" "$RUN/checkpoints"
  sed -e "s#@RPC_PORT@#$RPC_PORT#g; s#@REST_PORT@#$REST_PORT#g; s#@RUN@#$RUN#g; s#@JVM_OPTS@#$FLINK_JVM_OPTS#g; s#@FLINK_PROM_PORTS@#$FLINK_PROM_PORTS#g" \
    "$here/conf/config.yaml" >"$RUN/conf/config.yaml"
  cp "$here/conf/log4j.properties" "$RUN/conf/log4j.properties"
  cp "$here/conf/log4j.properties" "$RUN/conf/log4j-cli.properties"
}

# http_ok PATH: whether a GET against this cluster's REST API answers 200 (a subshell: a refused connection is no exit).
http_ok() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$REST_PORT" || exit 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
    read -r _ status _ <&3
    [ "$status" = 200 ]
  )
}

# http_get PATH: the body of a GET against this cluster's REST API (bash's /dev/tcp: no curl needed).
http_get() {
  exec 3<>"/dev/tcp/127.0.0.1/$REST_PORT" || return 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}
