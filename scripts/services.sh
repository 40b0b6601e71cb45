#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis are up (start them as the machine's docs say) and
# that the project's database exists. Prints the DATABASE_URL and REDIS_URL to use.
set -euo pipefail

PGHOST=127.0.0.1; PGPORT=5432; PGUSER=postgres
DB_NAME=${YQ_DB_NAME:-yangquan}

if ! pg_isready -h "$PGHOST" -p "$PGPORT" -q 2>/dev/null; then
  echo "starting PostgreSQL…" >&2
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start >&2
  for _ in $(seq 1 30); do pg_isready -h "$PGHOST" -p "$PGPORT" -q && break; sleep 1; done
fi
pg_isready -h "$PGHOST" -p "$PGPORT" >&2

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "starting Redis…" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2
  for _ in $(seq 1 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >&2

if ! psql -h "$PGHOST" -U "$PGUSER" -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
  createdb -h "$PGHOST" -U "$PGUSER" "$DB_NAME"
fi
echo "DATABASE_URL=postgres://$PGUSER@$PGHOST:$PGPORT/$DB_NAME"
echo "REDIS_URL=redis://127.0.0.1:6379/5"
