# Sourced by ./parlor, scripts/cluster.sh and the benches: PARLOR_JAVA_OPTS defaults to the JVM
# options in launcher/jvm.options (set PARLOR_JAVA_OPTS, even empty, to override them).
if [ -z "${PARLOR_JAVA_OPTS+set}" ]; then
  PARLOR_JAVA_OPTS=$(sed -e 's/#.*//' "$(dirname "${BASH_SOURCE[0]}")/../launcher/jvm.options" | xargs)
fi
export PARLOR_JAVA_OPTS
