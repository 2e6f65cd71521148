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

status=0
if answers 3306; then
  echo "services: MariaDB answers on 127.0.0.1:3306"
elif [ -x /usr/sbin/mariadbd ]; then
  echo "services: starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for 3306 MariaDB || status=1
else
  echo "services: MariaDB is not installed (tests that need it will skip, or fail with CI=true)" >&2
  status=1
fi

if answers 6379; then
  echo "services: Redis answers on 127.0.0.1:6379"
elif command -v redis-server >/dev/null; then
  echo "services: starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 6379 Redis || status=1
else
  echo "services: Redis is not installed (tests that need it will skip, or fail with CI=true)" >&2
  status=1
fi

if [ "$status" -ne 0 ] && [ "${CI:-}" = "true" ]; then
  exit 1
fi
exit 0
