#!/usr/bin/env bash
# Runs the Jakarta Servlet TCK 6.1.2 against plain Jetty 12.1 ee10 (the reference), the standalone engine and the
# Jetty engine, one JVM each, and compares them (fcgi-arquillian's ConformanceReport):
#   bash scripts/tck.sh           fails on a test the reference passes, an engine fails and the known list lacks;
#                                 the table goes to fcgi-arquillian/target/tck/CONFORMANCE.md
#   bash scripts/tck.sh --update  writes docs/CONFORMANCE.md and fcgi-arquillian/src/test/tck/known-failures.txt
# Other arguments go to Maven (-Dit.test=... does not apply; -Dtest=servlet.tck.spec.** narrows the TCK run, but the
# report then counts only what ran). The TCK source: $SERVLET_TCK, else ../shared/servlet-tck.
set -euo pipefail
cd "$(dirname "$0")/.."
update=false
if [ "${1:-}" = "--update" ]; then
  update=true
  shift
fi
source scripts/tck-setup.sh
if [ "$tck_available" != yes ]; then
  echo "tck: cannot run: $tck_skip_reason" >&2
  exit 1
fi
# the engines as the reactor builds them, then the TCK module alone
mvn -B -ntp -q install -DskipTests -pl fcgi-servlet-bridge -am
mvn -B -ntp -Ptck -pl fcgi-arquillian verify -Dconformance.update="$update" "$@"
