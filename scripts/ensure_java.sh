#!/usr/bin/env bash
# Spark 4 needs Java 17 or later. Installs Debian's OpenJDK 17 when no such
# Java is found (as root, or through passwordless sudo), else says what to do.
set -euo pipefail

java_major() {
    local java_bin=java
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
        java_bin="$JAVA_HOME/bin/java"
    fi
    command -v "$java_bin" >/dev/null 2>&1 || { echo 0; return; }
    # First line: openjdk version "17.0.15" 2025-04-15 (or "1.8.0_402").
    "$java_bin" -version 2>&1 | head -n 1 \
        | sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/' \
        | awk '{ print ($1 == 1) ? $2 : $1 }'
}

major="$(java_major)"
if [ "${major:-0}" -ge 17 ] 2>/dev/null; then
    exit 0
fi

echo "Java 17+ not found (found: ${major:-none}); installing openjdk-17-jre-headless" >&2
if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo apt-get update -qq && sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null
else
    echo "Spark needs Java 17 or later: install it (Debian/Ubuntu:" \
        "apt-get install openjdk-17-jre-headless) or set JAVA_HOME to one." >&2
    exit 1
fi

major="$(java_major)"
if ! [ "${major:-0}" -ge 17 ] 2>/dev/null; then
    echo "Installed openjdk-17-jre-headless, but 'java -version' still reports" \
        "${major:-none}: put Java 17 first on PATH or set JAVA_HOME." >&2
    exit 1
fi
