#!/usr/bin/env bash
# Restores a backup made by ops/backup.sh into DIR (ops/backup-restore.md). Stop the node
# first (systemctl stop suiji).
#
#   ops/restore.sh BACKUP DIR
#
# An existing DIR is moved aside to DIR.damaged-<unix time>, never deleted. DIR is created
# 0700 with the log, keys, draws and node.conf of the backup; the projections are not
# restored (rebuilt from the log on first open). Then `suiji-verify --data DIR` must pass.
# The binaries are found on PATH, or set SUIJI=... and SUIJI_VERIFY=...
set -euo pipefail
usage() { echo "usage: ops/restore.sh BACKUP DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
backup=$1 dir=$2
SUIJI=${SUIJI:-suiji}
SUIJI_VERIFY=${SUIJI_VERIFY:-suiji-verify}
fail() { echo "restore.sh: $*" >&2; exit 1; }

[ -f "$backup/log/data.mdb" ] && [ -f "$backup/node.conf" ] ||
  fail "$backup is not a backup made by ops/backup.sh (no log/data.mdb or node.conf)"
# Never under a running node: it holds DIR/writer.lock (`suiji serve`, or a command writing).
if [ -f "$dir/writer.lock" ] && ! flock -n "$dir/writer.lock" true; then
  fail "节点正在 $dir 上运行（pid $(cat "$dir/writer.lock" 2>/dev/null || echo ?) 持有 writer.lock），请先停止（systemctl stop suiji） / a node is running on $dir (pid $(cat "$dir/writer.lock" 2>/dev/null || echo ?) holds its writer.lock): stop it first (systemctl stop suiji)"
fi
umask 077
if [ -e "$dir" ]; then
  aside="$dir.damaged-$(date +%s)"
  mv "$dir" "$aside"
  echo "moved the old $dir aside to $aside"
fi
mkdir -m 700 "$dir"
for part in log keys draws node.conf; do
  [ -e "$backup/$part" ] && cp -a "$backup/$part" "$dir/"
done
"$SUIJI_VERIFY" --data "$dir" --suiji "$(command -v "$SUIJI")" >/dev/null ||
  fail "suiji-verify --data $dir failed: do not start the node on this copy"
echo "restored $backup into $dir; suiji-verify passed; start the node (systemctl start suiji)"
