#!/usr/bin/env bash
# Run the TypeScript client's tests against a running mock:
#   examples/typescript/run-tests.sh URL ADMIN_KEY MEMBER_KEY
# URL is the mock's base URL; the keys are an admin and a member key of its first
# project (`mockserver keys` or `GET URL/__mock/keys` lists them). A mock started with a
# control token needs it in MOCKSERVER_CONTROL_TOKEN. Installs the locked packages with
# `npm ci` when node_modules is missing, checks that the generated types match the
# specs, then type-checks and runs the suite. Any failure stops it with a nonzero status.
set -euo pipefail
cd "$(dirname "$0")"

die() {
  echo "run-tests: $*" >&2
  exit 1
}

[ "$#" -eq 3 ] || die "usage: run-tests.sh URL ADMIN_KEY MEMBER_KEY"
URL="${1%/}"
[ -n "$2" ] && [ -n "$3" ] || die "the admin and the member key must not be empty"

if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund || die "npm ci failed"
fi

npm run --silent check-generated ||
  die "src/generated/ is not what openapi.yaml gives: run 'npm run generate' and commit the result"

# The health check answers in every configuration of the mock; the token only if it has one.
CONTROL_HEADER=()
[ -z "${MOCKSERVER_CONTROL_TOKEN:-}" ] || CONTROL_HEADER=(-H "X-Mock-Control-Token: $MOCKSERVER_CONTROL_TOKEN")
HEALTH="$(curl -fsS --max-time 5 "${CONTROL_HEADER[@]}" "$URL/__mock/health")" ||
  die "no health answer from $URL/__mock/health: is the mock running?"
[[ "$HEALTH" =~ \"status\":\ *\"ok\" ]] || die "unexpected health answer from $URL: $HEALTH"

MOCK_URL="$URL" ADMIN_KEY="$2" MEMBER_KEY="$3" npm test || die "the suite failed against $URL"
