#!/usr/bin/env bash
# The long run of the property and fuzz tests (docs/SECURITY.md, "Fuzzing"): every *FuzzTest of fcgi-core and
# fcgi-servlet-bridge with TRIES generated inputs per property (default 250000; each parser has 2 to 6 properties,
# so 250000 gives it 500000 to 1.5 million inputs). The build's own run takes 1000 per property
# (org.fcgibridge.core.testing.Fuzz, -Dfuzz.tries).
#
#   scripts/fuzz.sh [TRIES] [TEST-PATTERN] [SEED]      e.g. scripts/fuzz.sh 1000000 'ParamsFuzzTest'
#
# Prints, per property, the inputs tried and its time; a failure names its seed and try (replay with
# -Dfuzz.seed=S -Dfuzz.try=I). SEED defaults to the build's fixed seed; a new one tries new inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
tries="${1:-250000}"
pattern="${2:-*FuzzTest}"
seed=()
[ -n "${3:-}" ] && seed=(-Dfuzz.seed="$3")
start=$(date +%s)
status=0
rm -f fcgi-core/target/surefire-reports/*FuzzTest* fcgi-servlet-bridge/target/surefire-reports/*FuzzTest*
mvn -B -ntp -pl fcgi-core,fcgi-servlet-bridge -am test -Dtest="$pattern" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfuzz.tries="$tries" -Dfuzz.report=true ${seed[@]+"${seed[@]}"} || status=$?
echo
echo "== fuzz run: $tries tries per property (fixed-tries properties keep their own), $(( $(date +%s) - start )) s"
for xml in fcgi-core/target/surefire-reports/TEST-*FuzzTest.xml \
           fcgi-servlet-bridge/target/surefire-reports/TEST-*FuzzTest.xml; do
  [ -f "$xml" ] || continue
  class=$(basename "$xml" .xml); class=${class#TEST-}
  output="$(dirname "$xml")/$class-output.txt"
  echo "$class"
  # surefire's time per property; Fuzz's count of inputs per property ("fuzz: Class.property tries = N seed = S")
  grep -o '<testcase name="[^"]*" classname="[^"]*" time="[^"]*"' "$xml" \
    | sed 's/^<testcase name="\([^"]*\)".* time="\([^"]*\)"/\1 \2/' \
    | while read -r property seconds; do
        inputs=$( (grep -h "^fuzz: [A-Za-z0-9_]*\.$property tries = " "$output" "$xml" 2>/dev/null || true) \
          | sed -n 's/.* tries = \([0-9]*\).*/\1/p' | head -1)
        printf "  %-58s %10s inputs %9s s\n" "$property" "${inputs:-?}" "$seconds"
      done
  awk -F'"' '/<testsuite / { for (i = 1; i < NF; i++) if ($i ~ / time=$/) t = $(i+1) }
             END { printf "  %-58s %28s s\n", "(class)", t }' "$xml"
done
exit $status
