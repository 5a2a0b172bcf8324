#!/usr/bin/env bash
# Renders the Airwave edge configuration: nginx.conf (from nginx.conf.template) and airwave.js into OUT_DIR.
#
#   AIRWAVE_SIGNING_KEY=... deploy/nginx/render.sh OUT_DIR
#
# Settings come from the environment (defaults in brackets):
#   AIRWAVE_SIGNING_KEY           required: Airwave's Delivery:SigningKey
#   EDGE_REQUIRE_SIGNED_URLS      [1]  0 lets unsigned media URLs through (tampered and expired ones are still refused)
#   EDGE_LISTEN                   [0.0.0.0:80]
#   EDGE_UPSTREAM                 [127.0.0.1:8080]  the Airwave server
#   EDGE_CACHE_DIR                [/var/cache/nginx/airwave]
#   EDGE_CACHE_MAX_SIZE           [50g]
#   EDGE_STATE_DIR                [/var/lib/nginx/airwave]
#   EDGE_LOG_DIR                  [/var/log/nginx/airwave]
# The key is read from the environment, not the command line, so it does not show in the process list. OUT_DIR/nginx.conf
# holds it and is written readable by its owner only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: AIRWAVE_SIGNING_KEY=... $0 OUT_DIR}"
key="${AIRWAVE_SIGNING_KEY:?set AIRWAVE_SIGNING_KEY to the Delivery:SigningKey of Airwave}"
# The alphabet Airwave accepts for the key; it needs no quoting in nginx.conf and no escaping for sed.
if [[ ! "$key" =~ ^[A-Za-z0-9+/=_.~-]{32,}$ ]]; then
  echo "render.sh: AIRWAVE_SIGNING_KEY must be at least 32 characters of letters, digits and + / = _ - . ~" >&2
  exit 2
fi
require="${EDGE_REQUIRE_SIGNED_URLS:-1}"
[[ "$require" == 0 || "$require" == 1 ]] || { echo "render.sh: EDGE_REQUIRE_SIGNED_URLS must be 0 or 1" >&2; exit 2; }

mkdir -p "$out"
cp "$here/airwave.js" "$out/airwave.js"
umask 077
sed -e "s|@@LISTEN@@|${EDGE_LISTEN:-0.0.0.0:80}|g" \
    -e "s|@@UPSTREAM@@|${EDGE_UPSTREAM:-127.0.0.1:8080}|g" \
    -e "s|@@CACHE_DIR@@|${EDGE_CACHE_DIR:-/var/cache/nginx/airwave}|g" \
    -e "s|@@CACHE_MAX_SIZE@@|${EDGE_CACHE_MAX_SIZE:-50g}|g" \
    -e "s|@@STATE_DIR@@|${EDGE_STATE_DIR:-/var/lib/nginx/airwave}|g" \
    -e "s|@@LOG_DIR@@|${EDGE_LOG_DIR:-/var/log/nginx/airwave}|g" \
    -e "s|@@JS_PATH@@|$(cd "$out" && pwd)/airwave.js|g" \
    -e "s|@@REQUIRE_SIGNED_URLS@@|$require|g" \
    -e "s|@@SIGNING_KEY@@|$key|g" \
    "$here/nginx.conf.template" > "$out/nginx.conf.tmp"
if grep -q '@@[A-Z_]*@@' "$out/nginx.conf.tmp"; then
  echo "render.sh: placeholders left in the template: $(grep -o '@@[A-Z_]*@@' "$out/nginx.conf.tmp" | sort -u | tr '\n' ' ')" >&2
  rm -f "$out/nginx.conf.tmp"
  exit 1
fi
mv "$out/nginx.conf.tmp" "$out/nginx.conf"
echo "render.sh: wrote $out/nginx.conf and $out/airwave.js; check with: nginx -t -c $out/nginx.conf" >&2
