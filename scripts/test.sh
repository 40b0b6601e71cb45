#!/usr/bin/env bash
# The whole test suite on the real services: PostgreSQL, Redis as broker, a real Celery worker.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

eval "$(bash scripts/services.sh | sed 's/^/export /')"
echo "DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL"
unset SECRET_KEY DEBUG

"$BIN/ruff" check .
"$BIN/ruff" format --check .
"$BIN/python" manage.py makemigrations --check --dry-run >/dev/null
"$BIN/python" manage.py compilemessages --ignore=.venv >/dev/null

set +e
"$BIN/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests" >&2
  exit 1
fi
exit "$status"
