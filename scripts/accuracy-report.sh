#!/usr/bin/env bash
# Prints DiffQP's accuracy table at the default options: x, λ, ν and the six gradients against an
# independent active-set reference (test module's AccuracyReport: planted problems and OptNet's workload).
# Usage: scripts/accuracy-report.sh   (from any directory; builds the modules it needs first)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl test -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/accuracy.classpath >&2
echo "<!-- $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes') -->"
exec java -cp "test/target/test-classes:$(cat test/target/accuracy.classpath)" io.github.diffqp.test.AccuracyReport
