#!/usr/bin/env bash
# A consistent backup of an LMDB node, while it runs (ops/backup-restore.md):
#
#   ops/backup.sh DIR BACKUP
#
# BACKUP need not exist (it is created 0700; an existing one must not hold a backup yet).
# Writes BACKUP/log (mdb_copy -c: a consistent, compacted snapshot, the writer never
# stopped), BACKUP/keys, BACKUP/draws (if any), BACKUP/node.conf and BACKUP/log.export (the
# portable copy suiji-verify checks). The binaries are found on PATH, or set SUIJI=...
# Every file is written 0600: the keys and draw secrets are secrets.
set -euo pipefail
usage() { echo "usage: ops/backup.sh DIR BACKUP" >&2; exit 2; }
[ $# -eq 2 ] || usage
dir=$1 backup=$2
SUIJI=${SUIJI:-suiji}
fail() { echo "backup.sh: $*" >&2; exit 1; }

[ -f "$dir/node.conf" ] || fail "$dir is not a node's data directory (no node.conf)"
grep -qx 'backend=lmdb' "$dir/node.conf" ||
  fail "$dir keeps its log in Kafka: back up the topic there (ledger/kafka/README.md); this copies an LMDB log"
command -v mdb_copy >/dev/null || fail "mdb_copy not found: apt-get install lmdb-utils"
umask 077
mkdir -p "$backup"
chmod 700 "$backup"
[ ! -e "$backup/log" ] && [ ! -e "$backup/node.conf" ] ||
  fail "$backup already holds a backup; give a new folder"
mkdir "$backup/log"  # mdb_copy writes into an existing folder
mdb_copy -c "$dir/log" "$backup/log" || fail "mdb_copy of $dir/log into $backup/log failed"
for part in keys draws node.conf; do
  [ -e "$dir/$part" ] && cp -a "$dir/$part" "$backup/"
done
"$SUIJI" log export --data "$dir" --out "$backup/log.export" ||
  fail "suiji log export --data $dir failed; the LMDB copy in $backup/log is complete"
sync -f "$backup/log.export"
echo "backup of $dir in $backup: log (LMDB copy), keys, draws, node.conf, log.export"
