#!/usr/bin/env bash
# Builds the provider, fetches the Keycloak distribution from Maven Central, installs the provider, imports the demo
# realm (src/demo/demo-realm.json) and starts Keycloak on http://localhost:8080 with admin/admin.
# SESSION_GUARD_DEMO_PORT chooses another port.
set -euo pipefail
cd "$(dirname "$0")"

for tool in java mvn; do
  command -v "$tool" >/dev/null || { echo "demo.sh: '$tool' is missing: install a JDK 17+ and Maven 3.8+" >&2; exit 1; }
done

version=$(sed -n 's:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p' pom.xml | head -n 1)
mvn -B -q -DskipTests package dependency:unpack@unpack-keycloak-distribution

# A copy of its own, so that the demo and a test run never share a database or a build of the distribution.
home=target/demo/keycloak-$version
rm -rf "$home"
mkdir -p target/demo
cp -R "target/keycloak-$version" "$home"
cp target/keycloak-session-guard-*.jar "$home/providers/"
mkdir -p "$home/data/import"
cp src/demo/demo-realm.json "$home/data/import/"

export KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin
exec "$home/bin/kc.sh" start-dev --import-realm --http-host=127.0.0.1 --http-port="${SESSION_GUARD_DEMO_PORT:-8080}" \
  --health-enabled=true --metrics-enabled=true "$@"
