#!/usr/bin/env bash
# Makes sure the real servers the tests use answer: MariaDB on 127.0.0.1:3306 and Redis on
# 127.0.0.1:6379. A server that is installed but stopped is started; one that is not
# installed is reported (and the tests that need it skip, or fail under CI=true).
set -uo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do
    answers "$port" && { echo "services: $name answers on 127.0.0.1:$port"; return 0; }
    sleep 0.5
  done
  echo "services: $name did not come up on 127.0.0.1:$port" >&2
  return 1
}

# Start a stopped server the way its package meant: the init script (containers without
# systemd), systemd, Homebrew; only then by hand. mariadbd refuses to run as root, so the
# last resort runs mariadbd-safe as the mysql user; Redis keeps its files under .local.
start_mariadb() {
  if [ -x /etc/init.d/mariadb ] && command -v service >/dev/null; then
    service mariadb start >/dev/null 2>&1 && return 0
  fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl start mariadb >/dev/null 2>&1 && return 0
  fi
  if command -v brew >/dev/null && brew list mariadb >/dev/null 2>&1; then
    brew services start mariadb >/dev/null 2>&1 && return 0
  fi
  if command -v mariadbd-safe >/dev/null; then
    (mariadbd-safe --user=mysql >/dev/null 2>&1 &) && return 0
  fi
  return 1
}

start_redis() {
  if [ -x /etc/init.d/redis-server ] && command -v service >/dev/null; then
    service redis-server start >/dev/null 2>&1 && return 0
  fi
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl start redis-server >/dev/null 2>&1 && return 0
  fi
  if command -v brew >/dev/null && brew list redis >/dev/null 2>&1; then
    brew services start redis >/dev/null 2>&1 && return 0
  fi
  if command -v redis-server >/dev/null; then
    mkdir -p .local/redis
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir "$PWD/.local/redis" --logfile "$PWD/.local/redis/redis.log" && return 0
  fi
  return 1
}

status=0
if answers 3306; then
  echo "services: MariaDB answers on 127.0.0.1:3306"
elif command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || command -v mysqld >/dev/null; then
  echo "services: starting MariaDB"
  if start_mariadb; then wait_for 3306 MariaDB || status=1; else status=1; fi
else
  echo "services: MariaDB is not installed (tests that need it will skip, or fail with CI=true)" >&2
  status=1
fi

if answers 6379; then
  echo "services: Redis answers on 127.0.0.1:6379"
elif command -v redis-server >/dev/null; then
  echo "services: starting Redis"
  if start_redis; then wait_for 6379 Redis || status=1; else status=1; fi
else
  echo "services: Redis is not installed (tests that need it will skip, or fail with CI=true)" >&2
  status=1
fi

if [ "$status" -ne 0 ] && [ "${CI:-}" = "true" ]; then
  exit 1
fi
exit 0
