#!/usr/bin/env bash
# ensure-services.sh — make sure the services `make test` needs are reachable:
#   PostgreSQL on 127.0.0.1:5432 (user postgres, no password over local TCP,
#   database ocophub_test with the pg_trgm extension), Redis on 127.0.0.1:6379
#   Chromium for the browser tests, poppler-utils and zbar-tools for the
#   stamp tests (render the PDF, decode its QR codes).
#
# Written for a fresh Debian 12 machine running as root. Anything already
# reachable is left alone; the script never flushes or drops anything.
# It is idempotent: run it as often as you like.
#
# Environment:
#   CI=true                   fail (exit 1) when a service cannot be made reachable;
#                             otherwise a warning is printed and the script exits 0.
#
# Debian's chromium is installed when missing: the web UI's browser tests
# (chromedp) need it, in CI and on a developer's machine alike.
set -euo pipefail

readonly PG_HOST=127.0.0.1
readonly PG_PORT=5432
readonly PG_SUPERUSER=postgres
readonly TEST_DB=ocophub_test
readonly REDIS_HOST=127.0.0.1
readonly REDIS_PORT=6379
readonly WAIT_SECONDS=30
readonly HBA_MARKER="# added by ocophub scripts/ensure-services.sh"

failures=()
apt_updated=0

say() { printf 'ensure-services: %s\n' "$*"; }
warn() { printf 'ensure-services: %s\n' "$*" >&2; }

# Run a command as root (directly, or through passwordless sudo when available).
as_root() {
	if [[ ${EUID} -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo -n "$@"
	else
		warn "need root to run: $*"
		return 1
	fi
}

apt_install() {
	if ! command -v apt-get >/dev/null 2>&1; then
		warn "apt-get not found; cannot install $*"
		return 1
	fi
	if [[ ${apt_updated} -eq 0 ]]; then
		as_root apt-get update -qq >/dev/null || return 1
		apt_updated=1
	fi
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

tcp_open() { # host port
	timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" >/dev/null 2>&1
}

# wait_for <seconds> <command...>: poll until the command succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 1
	done
}

# ---------------------------------------------------------------- PostgreSQL

pg_reachable() {
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -h "${PG_HOST}" -p "${PG_PORT}" -t 2
	else
		tcp_open "${PG_HOST}" "${PG_PORT}"
	fi
}

pg_psql() { # db sql
	psql -X -q -v ON_ERROR_STOP=1 -h "${PG_HOST}" -p "${PG_PORT}" -U "${PG_SUPERUSER}" \
		-d "$1" -tAc "$2" </dev/null
}

pg_login_works() { pg_psql postgres 'SELECT 1' >/dev/null 2>&1; }

pg_server_installed() {
	compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null && command -v pg_ctlcluster >/dev/null 2>&1
}

# Version of the local Debian cluster "main": the first existing one, else the
# newest installed server version (for pg_createcluster).
pg_version() {
	local v
	if [[ -d /etc/postgresql ]]; then
		for v in $(ls /etc/postgresql); do
			if [[ -f /etc/postgresql/${v}/main/postgresql.conf ]]; then
				echo "${v}"
				return 0
			fi
		done
	fi
	ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1 || true
}

# Ensure listen_addresses covers 127.0.0.1. Returns 0 if it changed the config.
pg_fix_listen() { # version
	local conf=/etc/postgresql/$1/main/postgresql.conf cur
	cur=$(sed -n "s/^[[:space:]]*listen_addresses[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" "${conf}" | tail -1)
	# not set at all: the compiled-in default is 'localhost'
	grep -Eq '^[[:space:]]*listen_addresses[[:space:]]*=' "${conf}" || return 1
	case ",${cur// /}," in
	*,localhost,* | *,127.0.0.1,* | *,\*,* | *,0.0.0.0,*) return 1 ;;
	esac
	as_root sed -i "s/^\([[:space:]]*listen_addresses[[:space:]]*=\)/#\1/" "${conf}"
	printf "listen_addresses = 'localhost'\t%s\n" "${HBA_MARKER}" | as_root tee -a "${conf}" >/dev/null
	return 0
}

# Put trust rules for user postgres over loopback TCP at the top of pg_hba.conf
# (first match wins). Returns 0 if it changed the file.
pg_fix_hba() { # version
	local hba=/etc/postgresql/$1/main/pg_hba.conf tmp
	[[ -f ${hba} ]] || return 1
	grep -qF "${HBA_MARKER}" "${hba}" && return 1
	tmp=$(mktemp)
	{
		echo "${HBA_MARKER}: passwordless local TCP for the test suite"
		printf 'host\tall\t%s\t127.0.0.1/32\ttrust\n' "${PG_SUPERUSER}"
		printf 'host\tall\t%s\t::1/128\ttrust\n' "${PG_SUPERUSER}"
		echo
		cat "${hba}"
	} >"${tmp}"
	as_root cp "${tmp}" "${hba}"
	rm -f "${tmp}"
	return 0
}

ensure_postgres() {
	local did="" ver out
	if pg_reachable; then
		did="already running on ${PG_HOST}:${PG_PORT}"
	else
		if ! pg_server_installed; then
			if ! apt_install postgresql postgresql-contrib; then
				failures+=("postgres: apt-get install postgresql failed")
				say "postgres: not reachable and could not be installed"
				return
			fi
			did="installed"
		fi
		if ! pg_reachable; then # the package's postinst may already have started it
			ver=$(pg_version || true)
			if [[ -z ${ver} ]]; then
				failures+=("postgres: no PostgreSQL server version found under /usr/lib/postgresql")
				say "postgres: not reachable, no server found"
				return
			fi
			if [[ ! -f /etc/postgresql/${ver}/main/postgresql.conf ]]; then
				if ! out=$(as_root pg_createcluster "${ver}" main 2>&1); then
					failures+=("postgres: pg_createcluster ${ver} main failed: ${out}")
					say "postgres: not reachable, pg_createcluster failed"
					return
				fi
				did="${did:+${did}, }created cluster ${ver}/main"
			fi
			pg_fix_listen "${ver}" && did="${did:+${did}, }set listen_addresses=localhost"
			pg_fix_hba "${ver}" && did="${did:+${did}, }added pg_hba trust for ${PG_SUPERUSER}@localhost"
			if ! out=$(as_root pg_ctlcluster --skip-systemctl-redirect "${ver}" main start 2>&1); then
				warn "pg_ctlcluster ${ver} main start: ${out}"
			fi
			did="${did:+${did}, }started cluster ${ver}/main"
		fi
		if ! wait_for "${WAIT_SECONDS}" pg_reachable; then
			failures+=("postgres: not reachable on ${PG_HOST}:${PG_PORT} after ${WAIT_SECONDS}s (${did:-nothing done})")
			say "postgres: NOT reachable on ${PG_HOST}:${PG_PORT} (${did:-nothing done})"
			return
		fi
	fi

	if ! command -v psql >/dev/null 2>&1; then
		failures+=("postgres: psql client missing (apt-get install postgresql-client)")
		say "postgres: ${did}; psql missing, test database not checked"
		return
	fi

	# Passwordless TCP login as postgres; fix pg_hba.conf of the local cluster if needed.
	if ! pg_login_works; then
		ver=$(pg_version || true)
		if [[ -n ${ver} && -f /etc/postgresql/${ver}/main/pg_hba.conf ]] && pg_fix_hba "${ver}"; then
			as_root pg_ctlcluster --skip-systemctl-redirect "${ver}" main reload >/dev/null 2>&1 || true
			did="${did}, added pg_hba trust for ${PG_SUPERUSER}@localhost and reloaded"
			wait_for 5 pg_login_works || true
		fi
		if ! pg_login_works; then
			out=$(pg_psql postgres 'SELECT 1' 2>&1 || true)
			failures+=("postgres: cannot log in as ${PG_SUPERUSER} over TCP without a password: ${out}")
			say "postgres: ${did}; login as ${PG_SUPERUSER} failed"
			return
		fi
	fi

	local db_note
	if [[ $(pg_psql postgres "SELECT 1 FROM pg_database WHERE datname='${TEST_DB}'") == 1 ]]; then
		db_note="database ${TEST_DB} exists"
	elif createdb -h "${PG_HOST}" -p "${PG_PORT}" -U "${PG_SUPERUSER}" "${TEST_DB}"; then
		db_note="created database ${TEST_DB}"
	else
		failures+=("postgres: createdb ${TEST_DB} failed")
		say "postgres: ${did}; createdb ${TEST_DB} failed"
		return
	fi
	if ! out=$(pg_psql "${TEST_DB}" 'CREATE EXTENSION IF NOT EXISTS pg_trgm' 2>&1); then
		failures+=("postgres: CREATE EXTENSION pg_trgm in ${TEST_DB} failed: ${out}")
		say "postgres: ${did}; ${db_note}; pg_trgm failed"
		return
	fi
	say "postgres: ${did}; ${db_note}; pg_trgm ok"
}

# --------------------------------------------------------------------- Redis

redis_reachable() {
	if command -v redis-cli >/dev/null 2>&1; then
		[[ $(redis-cli -h "${REDIS_HOST}" -p "${REDIS_PORT}" ping 2>/dev/null) == PONG ]]
	else
		tcp_open "${REDIS_HOST}" "${REDIS_PORT}"
	fi
}

ensure_redis() {
	local did="" out
	if redis_reachable; then
		say "redis: already running on ${REDIS_HOST}:${REDIS_PORT}"
		return
	fi
	if tcp_open "${REDIS_HOST}" "${REDIS_PORT}"; then
		# Something listens but does not answer PING with PONG (auth? not Redis?):
		# do not start a second server on the same port.
		out=$(redis-cli -h "${REDIS_HOST}" -p "${REDIS_PORT}" ping 2>&1 || true)
		failures+=("redis: port ${REDIS_PORT} is open but PING answered: ${out}")
		say "redis: port ${REDIS_PORT} in use but PING failed (${out})"
		return
	fi
	if ! command -v redis-server >/dev/null 2>&1; then
		if ! apt_install redis-server; then
			failures+=("redis: apt-get install redis-server failed")
			say "redis: not reachable and could not be installed"
			return
		fi
		did="installed"
	fi
	if ! redis_reachable; then # the package's postinst may already have started it
		if ! out=$(redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "${REDIS_PORT}" \
			--save "" --appendonly no 2>&1); then
			warn "redis-server start: ${out}"
		fi
		did="${did:+${did}, }started redis-server"
	fi
	if wait_for "${WAIT_SECONDS}" redis_reachable; then
		say "redis: ${did}; reachable on ${REDIS_HOST}:${REDIS_PORT}"
	else
		failures+=("redis: not reachable on ${REDIS_HOST}:${REDIS_PORT} after ${WAIT_SECONDS}s (${did:-nothing done})")
		say "redis: NOT reachable on ${REDIS_HOST}:${REDIS_PORT} (${did:-nothing done})"
	fi
}

# ------------------------------------------------------------------ Chromium

ensure_chromium() {
	if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
		say "chromium: already installed"
	elif apt_install chromium; then
		say "chromium: installed"
	else
		failures+=("chromium: apt-get install chromium failed (the web UI's browser tests need it)")
		say "chromium: NOT installed"
	fi
}

# ------------------------------------------------------------------ Scanner tools

# The stamp tests read their PDF as a scanner would: poppler renders it
# (pdftoppm) and extracts its text (pdftotext), zbar decodes the QR codes.
ensure_scanner_tools() {
	local missing=()
	command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
	command -v zbarimg >/dev/null 2>&1 || missing+=(zbar-tools)
	if ((${#missing[@]} == 0)); then
		say "poppler-utils, zbar-tools: already installed"
	elif apt_install "${missing[@]}"; then
		say "${missing[*]}: installed"
	else
		failures+=("${missing[*]}: apt-get install failed (the stamp tests need pdftoppm, pdftotext and zbarimg)")
		say "${missing[*]}: NOT installed"
	fi
}

ensure_postgres
ensure_redis
ensure_chromium
ensure_scanner_tools

if ((${#failures[@]} > 0)); then
	for f in "${failures[@]}"; do
		warn "ERROR: ${f}"
	done
	if [[ ${CI:-} == true ]]; then
		warn "services required by the tests are not available (CI=true): failing"
		exit 1
	fi
	warn "continuing anyway; tests that need these services may fail or skip"
fi
