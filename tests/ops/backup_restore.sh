#!/usr/bin/env bash
# ops/backup-restore.md's commands, run as written (its indented code lines, with DIR,
# BACKUP and ROOT_KEY_ID standing for a real node, a folder that does not exist yet and the
# node's root key id), on a real node with a committed draw; then the restored copy is
# checked: suiji-verify passes, the log and the directory read the same as the original's,
# the draw's secret still reveals, and everything restored is private.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="${BUILD_DIR:-$ROOT/build}"
export PATH="$BIN/api:$BIN/verifier:$PATH"
WORK="$(mktemp -d /tmp/suiji-backup-test.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "backup_restore: FAIL: $*" >&2; exit 1; }
umask 022  # as outside systemd

DIR="$WORK/node"
BACKUP="$WORK/backups/suiji-$(date +%F)"  # its parent does not exist either
ROOT_KEY_ID="$(suiji init --data "$DIR" --ledger backup.test/ledger --no-calendar |
               sed -n 's/.*root key id[: ]*\([0-9a-f]\{16,\}\).*/\1/p' | head -1)"
[ -n "$ROOT_KEY_ID" ] || ROOT_KEY_ID="$(suiji key list --data "$DIR" | awk '/root/ {print $1; exit}')"
[ -n "$ROOT_KEY_ID" ] || fail "cannot tell the root key id"
suiji org add --data "$DIR" --org 320000 --id 320000 --name 江苏省人社厅 --region 320000 --level province
suiji memo --data "$DIR" --org 320000 --subject 备份前 --text "an event before the backup"
suiji checkpoint --data "$DIR" >/dev/null
# A draw's secret under draws/: a committed draw is part of what a backup keeps.
mkdir -p "$DIR/draws/secrets" && chmod 700 "$DIR/draws" "$DIR/draws/secrets"
printf 'x%.0s' $(seq 32) > "$DIR/draws/secrets/example.secret" && chmod 600 "$DIR/draws/secrets/example.secret"

# The page's commands, in order, as written.
mapfile -t commands < <(sed -n 's/^    //p' "$ROOT/ops/backup-restore.md")
[ "${#commands[@]}" -ge 3 ] || fail "found ${#commands[@]} commands in ops/backup-restore.md"
RESTORED="$WORK/restored"
for c in "${commands[@]}"; do
  # DIR is the node for the backup and the place to restore into for the restore.
  case "$c" in
    ops/restore.sh*) target="$RESTORED" ;;
    *) target="$DIR" ;;
  esac
  line="${c//ROOT_KEY_ID/$ROOT_KEY_ID}"
  line="${line//BACKUP/$BACKUP}"
  line="$(printf '%s' "$line" | sed "s#\bDIR\b#$target#g")"
  echo "+ $line"
  (cd "$ROOT" && bash -euo pipefail -c "$line") || fail "the command '$c' failed"
done

# The restored copy.
[ -d "$RESTORED" ] || fail "nothing restored in $RESTORED"
suiji-verify --data "$RESTORED" >/dev/null || fail "suiji-verify --data of the restored copy"
[ "$(suiji log show --data "$DIR" --json)" = "$(suiji log show --data "$RESTORED" --json)" ] ||
  fail "the restored log reads differently"
[ "$(suiji list orgs --data "$DIR")" = "$(suiji list orgs --data "$RESTORED")" ] ||
  fail "the restored directory reads differently"
cmp -s "$DIR/draws/secrets/example.secret" "$RESTORED/draws/secrets/example.secret" ||
  fail "the draw's secret was not restored"
suiji memo --data "$RESTORED" --org 320000 --subject 恢复后 --text "the restored node writes" >/dev/null ||
  fail "the restored node does not write"
loose="$(find "$RESTORED" "$BACKUP" \( -type d ! -perm 700 \) -o \( -type f -perm /077 \))"
[ -z "$loose" ] || fail "not private: $loose"
# A second backup into the same folder is refused, never mixed.
if ops_out="$("$ROOT/ops/backup.sh" "$DIR" "$BACKUP" 2>&1)"; then fail "a second backup into $BACKUP was accepted"; fi
case "$ops_out" in *"already holds a backup"*) ;; *) fail "unexpected refusal: $ops_out" ;; esac
echo "backup_restore: ok"
