# Sourced by build.sh and run.sh: NETTY_CLASSPATH, the Debian jars the echo server needs
# (netty-all.jar has no classes on Debian; -resolver is only for the client Bootstrap), or exit 1.
NETTY_CLASSPATH=""
for m in common buffer transport codec; do
  jar="/usr/share/java/netty-$m.jar"
  [[ -f "$jar" ]] || { echo "$0: $jar not found (apt-get install libnetty-java)" >&2; exit 1; }
  NETTY_CLASSPATH="${NETTY_CLASSPATH:+$NETTY_CLASSPATH:}$jar"
done
