#!/usr/bin/env bash
# Runs DiffQP's Spark job (io.github.diffqp.spark.DiffQpJob) in local mode on this machine, on every core:
# JSON Lines in, JSON Lines out, one output line per input line, in input order.
#
#   spark/run-local.sh --in problems.jsonl --out solutions.jsonl [--grad] [--shared shared.json]
#                      [--backend auto|cpu|cuda] [--tolerance 1e-8] [--max-iterations 100] [--partitions N]
#
# Builds the module with Maven first (set MVN_FLAGS=-o to stay offline) and takes Spark's class path from
# Maven (Spark is a provided dependency: no Spark installation is needed). Set SPARK_MASTER to override
# local[*].
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"

in="" out=""
rest=()
while [ $# -gt 0 ]; do
  case "$1" in
    --in) in="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) rest+=("$1"); shift ;;
  esac
done
if [ -z "$in" ] || [ -z "$out" ]; then
  echo "usage: spark/run-local.sh --in problems.jsonl --out solutions.jsonl [--grad] [options]" >&2
  exit 2
fi
if [ ! -f "$in" ]; then
  echo "run-local.sh: no such file: $in" >&2
  exit 2
fi

classpath="$here/target/spark-classpath.txt"
# The module and its DiffQP dependencies (shaded into target/diffqp-spark.jar), and Spark's jars as a list.
(cd "$root" && mvn -B -q ${MVN_FLAGS:-} -pl spark -am -DskipTests package dependency:build-classpath \
  -Dmdep.includeScope=provided -Dmdep.outputFile="$classpath") >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
java @"$here/java17.args" \
  -Dspark.master="${SPARK_MASTER:-local[*]}" -Dspark.ui.enabled=false \
  -Dlog4j2.configurationFile="$here/conf/log4j2.properties" \
  -cp "$here/target/diffqp-spark.jar:$(cat "$classpath")" \
  io.github.diffqp.spark.DiffQpJob --in "$in" --out "$work/out" --out-format jsonl ${rest[@]+"${rest[@]}"}
# Spark writes one part file per partition; their names keep the partitions' order.
cat "$work"/out/part-* > "$out"
echo "run-local.sh: $(wc -l < "$out") lines written to $out" >&2
