#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/tck.sh: finds the Jakarta Servlet TCK 6.1.2 source ($SERVLET_TCK, else
# ../shared/servlet-tck beside this checkout), builds it from a copy into the local Maven repository unless it is
# there already, and sets tck_available=yes (or no, with tck_skip_reason).
tck_available=no
tck_skip_reason=""
tck_source="${SERVLET_TCK:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/shared/servlet-tck}"
tck_repo="${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}"
if [ -f "$tck_repo/jakarta/servlet/tck/servlet-tck-runtime/6.1.2/servlet-tck-runtime-6.1.2.jar" ]; then
  tck_available=yes
elif [ ! -f "$tck_source/tck-runtime/pom.xml" ]; then
  tck_skip_reason="no TCK source at $tck_source (set SERVLET_TCK to the tck/ folder of jakartaee/servlet at tag 6.1.2-RELEASE-tck)"
else
  tck_build="$(mktemp -d)/servlet-tck"
  cp -r "$tck_source" "$tck_build"
  chmod -R u+w "$tck_build"
  # arquillian-junit-core 1.10.2.Final, which the TCK's Arquillian BOM asks for, is not served everywhere: 1.10.1 is
  sed -i 's#<version>1.10.2.Final</version>#<version>1.10.1.Final</version>#' "$tck_build/pom.xml"
  echo "building the Servlet TCK from a copy of $tck_source"
  if (cd "$tck_build" && mvn -B -ntp -q install -DskipTests -pl tck-util,tck-runtime -am); then
    tck_available=yes
  else
    tck_skip_reason="the TCK at $tck_source did not build (see above)"
  fi
  rm -rf "$(dirname "$tck_build")"
fi
