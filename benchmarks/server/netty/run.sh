#!/usr/bin/env bash
# framekit/benchmarks/server/netty/run.sh OUTDIR [--port=P] [--threads=N]
#
# Starts the server benchmark's Netty echo server compiled by build.sh OUTDIR. Execs java, so
# signals reach the JVM directly (SIGTERM/SIGINT: exit 0). Prints "listening on 127.0.0.1:PORT".
# Stop it with SIGTERM: the JVM leaves SIGINT ignored if it starts ignored (`run.sh ... &` in a
# script), as the shell does for background jobs.
#
# JVM flags:
#   -Xms512m -Xmx512m              fixed heap, no resizing during a run (little lives there: frames
#                                  are in pooled direct buffers)
#   -XX:MaxDirectMemorySize=1g     room for the pooled arenas plus unpooled 16 MiB frames
#   -XX:+UseG1GC                   JDK 17's default collector, stated
#   -Dio.netty.leakDetection.level=disabled   Netty's resource leak detector off: its default
#                                  level tracks 1 in 128 buffers, capturing a stack trace for each,
#                                  a cost to no purpose in a benchmark
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 OUTDIR [--port=P] [--threads=N]" >&2; exit 2; }
out="$1"; shift
command -v java >/dev/null || { echo "$0: java not found (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
[[ -f "$out/framekit/benchmarks/server/EchoServer.class" ]] || { echo "$0: no EchoServer.class in $out (run build.sh $out)" >&2; exit 1; }
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/classpath.sh"
exec java -Xms512m -Xmx512m -XX:MaxDirectMemorySize=1g -XX:+UseG1GC \
  -Dio.netty.leakDetection.level=disabled \
  -cp "$out:$NETTY_CLASSPATH" framekit.benchmarks.server.EchoServer "$@"
