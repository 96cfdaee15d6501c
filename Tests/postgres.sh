#!/usr/bin/env bash
# A throwaway PostgreSQL server for SAMLPostgresTests and `saml-bench --replay-postgres`. Sourced (by Tests/run.sh,
# or `source Tests/postgres.sh` in a shell): initdb in a temporary directory, start on a free port listening on
# 127.0.0.1 only (socket in that directory), create the database, export where it is, and stop the server and remove
# the directory when the shell exits, also on failure. As root the server runs as the `postgres` user (PostgreSQL
# refuses root). Exports:
#   SAML_TEST_POSTGRES_URL   postgres://saml_test@127.0.0.1:PORT/saml_test?sslmode=disable
#   SAML_TEST_POSTGRES_HOST  127.0.0.1     SAML_TEST_POSTGRES_PORT  PORT
#   SAML_TEST_POSTGRES_USER  saml_test     SAML_TEST_POSTGRES_DB    saml_test
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [[ -z "$pg_bin" && -x "$(command -v pg_ctl 2>/dev/null)" ]]; then pg_bin="$(dirname "$(command -v pg_ctl)")"; fi
[[ -n "$pg_bin" ]] || { echo "PostgreSQL is not installed (Tests/install-dependencies.sh --tests installs it)" >&2; return 1; }

saml_pg_dir="$(mktemp -d "${TMPDIR:-/tmp}/saml-postgres.XXXXXX")"
chmod 755 "$saml_pg_dir"
saml_pg_as() { if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ "$(id -u)" -eq 0 ]] && chown postgres: "$saml_pg_dir"
saml_pg_stop() {
  if [[ -n "${saml_pg_dir:-}" && -d "$saml_pg_dir" ]]; then
    [[ -f "$saml_pg_dir/data/postmaster.pid" ]] && saml_pg_as "$pg_bin/pg_ctl" -D "$saml_pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$saml_pg_dir"
  fi
}
trap saml_pg_stop EXIT

saml_pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
saml_pg_as "$pg_bin/initdb" -D "$saml_pg_dir/data" -U saml_test --auth=trust -E UTF8 --no-sync >"$saml_pg_dir/initdb.log" 2>&1 \
  || { cat "$saml_pg_dir/initdb.log" >&2; return 1; }
saml_pg_as "$pg_bin/pg_ctl" -D "$saml_pg_dir/data" -l "$saml_pg_dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $saml_pg_port -k $saml_pg_dir -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$saml_pg_dir/server.log" >&2; return 1; }
saml_pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$saml_pg_port" -U saml_test saml_test

export SAML_TEST_POSTGRES_HOST=127.0.0.1 SAML_TEST_POSTGRES_PORT="$saml_pg_port" SAML_TEST_POSTGRES_USER=saml_test \
  SAML_TEST_POSTGRES_DB=saml_test
export SAML_TEST_POSTGRES_URL="postgres://saml_test@127.0.0.1:$saml_pg_port/saml_test?sslmode=disable"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$saml_pg_port ($saml_pg_dir), stopped on exit"
