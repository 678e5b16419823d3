#!/bin/sh
# Install a Java runtime for the Spark tests (tox -e spark), unless one is already there.
#
# pyspark starts a JVM; Spark 4 needs Java 17 or later.  On a Debian or Ubuntu machine
# without Java this installs openjdk-17-jre-headless with apt-get (as root, or via sudo
# when it is available).  Anywhere else it says what to install and fails.
set -eu

if command -v java >/dev/null 2>&1; then
    java -version 2>&1 | head -n 1
    exit 0
fi
if [ -n "${JAVA_HOME:-}" ] && [ -x "${JAVA_HOME}/bin/java" ]; then
    echo "using JAVA_HOME=${JAVA_HOME}"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-java: no java and no apt-get; install a Java 17+ runtime and retry" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-java: need root (or sudo) to apt-get install openjdk-17-jre-headless" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends openjdk-17-jre-headless
java -version
