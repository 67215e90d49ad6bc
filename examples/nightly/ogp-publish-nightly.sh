#!/usr/bin/env bash
# The nightly job: check and build the catalogue, then publish what changed.
# Exit codes: 0 published (or nothing to do), 1 catalogue invalid (nothing pushed),
# 2 portal/token/network trouble (nothing written), 3 some datasets failed (others published).
#
# Configuration (environment, or an EnvironmentFile= in the systemd unit):
#   OGP_HOME        folder holding catalog/ (a git checkout of the team's catalogue)
#   CKAN_URL        e.g. https://pab.donneesquebec.ca/recherche
#   OGP_TOKEN_FILE  file holding the API token, readable only by this user (chmod 600)
#   OGP_REPORTS     folder for the JSON-lines run reports
set -euo pipefail
cd "${OGP_HOME:?set OGP_HOME}"
reports="${OGP_REPORTS:-$OGP_HOME/reports}"
mkdir -p "$reports"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)

# Pull the stewards' latest edits first, when the catalogue is a git checkout.
if [ -d .git ]; then git pull --ff-only --quiet; fi

ogp-publish build catalog --out dist
exec ogp-publish push \
  --portal "${CKAN_URL:?set CKAN_URL}" \
  --token-file "${OGP_TOKEN_FILE:?set OGP_TOKEN_FILE}" \
  --dist dist \
  --report "$reports/push-$stamp.jsonl"
