#!/bin/sh
# Put the database password from the compose secret into DATABASE_URL, migrate, then run.
set -eu
if [ -r /run/secrets/db_password ] && [ -n "${DATABASE_URL:-}" ]; then
  password=$(python -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip(), safe=""))' < /run/secrets/db_password)
  DATABASE_URL=$(printf '%s' "$DATABASE_URL" | sed "s#://intake@#://intake:${password}@#")
  export DATABASE_URL
fi
intake db upgrade
exec "$@"
