#!/bin/sh
# The image's entry point: streamavg COMMAND [options], the same commands as ./streamavg in a
# clone, from the service-only distribution (bridge, topology, sink). exec, so that the JVM is the
# container's main process and receives SIGTERM itself: a clean stop, as on a terminal's Ctrl-C.
# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options, split on purpose
exec java ${JAVA_OPTS:-} -jar /opt/streamavg/streamavg-services.jar "$@"
