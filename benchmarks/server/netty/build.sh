#!/usr/bin/env bash
# framekit/benchmarks/server/netty/build.sh OUTDIR
#
# Compiles EchoServer.java (the server benchmark's Netty peer) into OUTDIR with javac, against
# Debian's libnetty-java 4.1 jars in /usr/share/java. Prints nothing on success; on failure says why
# and exits non-zero. Start the server with run.sh OUTDIR.
#
# Jars: Debian's netty-all.jar is a manifest-only aggregate (no classes), so the modules are listed
# one by one (classpath.sh, shared with run.sh): netty-common, -buffer, -transport and -codec. Not
# -resolver: only the client Bootstrap uses it (jdeps -R on the compiled server reaches no
# io.netty.resolver class).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
command -v javac >/dev/null || { echo "$0: javac not found (apt-get install openjdk-17-jdk-headless)" >&2; exit 1; }
source "$here/classpath.sh"
mkdir -p "$1"
# -XDignore.symbol.file: no "internal proprietary API" warning for sun.misc.Signal (used to exit 0
# on SIGTERM/SIGINT, which a shutdown hook cannot do), so a clean build prints nothing.
javac -XDignore.symbol.file -d "$1" -cp "$NETTY_CLASSPATH" "$here/EchoServer.java"
