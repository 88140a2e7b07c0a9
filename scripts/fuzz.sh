#!/usr/bin/env bash
# The long run of the property and fuzz tests (docs/SECURITY.md, "Fuzzing"): every *FuzzTest of fcgi-core and
# fcgi-servlet-bridge with TRIES generated inputs per property (default 250000; each parser has 2 to 6 properties,
# so 250000 gives it 500000 to 1.5 million inputs). The build's own run takes 1000 per property
# (src/test/resources/junit-platform.properties).
#
#   scripts/fuzz.sh [TRIES] [TEST-PATTERN]       e.g. scripts/fuzz.sh 1000000 'ParamsFuzzTest'
#
# Prints, per property, the inputs tried and the time of its class; a failure prints jqwik's shrunk sample and seed.
set -euo pipefail
cd "$(dirname "$0")/.."
tries="${1:-250000}"
pattern="${2:-*FuzzTest}"
start=$(date +%s)
status=0
rm -f fcgi-core/target/surefire-reports/*FuzzTest* fcgi-servlet-bridge/target/surefire-reports/*FuzzTest*
mvn -B -ntp -pl fcgi-core,fcgi-servlet-bridge -am test -Dtest="$pattern" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djqwik.tries.default="$tries" -Djqwik.reporting.onlyfailures=false || status=$?
echo
echo "== fuzz run: $tries tries per property (fixed-tries properties keep their own), $(( $(date +%s) - start )) s"
for xml in fcgi-core/target/surefire-reports/TEST-*FuzzTest.xml \
           fcgi-servlet-bridge/target/surefire-reports/TEST-*FuzzTest.xml; do
  [ -f "$xml" ] || continue
  class=$(basename "$xml" .xml); class=${class#TEST-}
  output="$(dirname "$xml")/$class-output.txt"
  echo "$class"
  # surefire's time per property; jqwik's count of inputs per property ("timestamp = ..., Class:property = ",
  # then "tries = N")
  grep -o '<testcase name="[^"]*" classname="[^"]*" time="[^"]*"' "$xml" \
    | sed 's/^<testcase name="\([^"]*\)".* time="\([^"]*\)"/\1 \2/' \
    | while read -r property seconds; do
        inputs=$(grep -A2 ":$property = *\$" "$output" 2>/dev/null | sed -n 's/^tries = *\([0-9]*\).*/\1/p' \
          | head -1 || true)
        printf "  %-58s %10s inputs %9s s\n" "$property" "${inputs:-?}" "$seconds"
      done
  awk -F'"' '/<testsuite / { for (i = 1; i < NF; i++) if ($i ~ / time=$/) t = $(i+1) }
             END { printf "  %-58s %28s s\n", "(class)", t }' "$xml"
done
exit $status
