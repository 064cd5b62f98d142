#!/usr/bin/env bash
# Writes the secrets docker-compose.yml mounts: a random database password, the connection string
# that uses it, and a random webhook secret key (32 bytes, base64). Existing files are kept.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir="$root/.local/secrets"
mkdir -p "$dir"
chmod 700 "$dir"
umask 077
[ -s "$dir/postgres_password" ] || head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/postgres_password"
[ -s "$dir/connection_string" ] || \
  echo "Host=postgres;Port=5432;Username=jobs;Database=jobs;Password=$(cat "$dir/postgres_password")" > "$dir/connection_string"
[ -s "$dir/webhook_secret_key" ] || head -c 32 /dev/urandom | base64 > "$dir/webhook_secret_key"
echo "secrets in $dir (not committed: .local/ is ignored)"
