#!/bin/bash
# SPDX-License-Identifier: MIT
# Configuration handling: --check-config on a bad file exits 1 with "file:line:"; SIGHUP with a
# broken file keeps the daemon and its old configuration ("Reload failed"), a good one is taken
# ("Reloaded"); the old configuration still contains a bomb after the failed reload.
. "$(dirname "$0")/lib.sh"
fst_require_root

fst_case_begin config 30 || exit 0
bad=$FST_TMP/bad.conf
printf '[forkstop]\nwatch = %s\n[policy]\naction = explode\n' "$FST_CG" > "$bad"
out=$("$FORKSTOPD" --check-config "$bad" 2>&1 >/dev/null)
rc=$?
fst_check "--check-config bad file: exit $rc, expected 1" [ "$rc" = 1 ]
fst_check "--check-config message '$out' lacks '$bad:4:'" grep -q "^$bad:4:" <<< "$out"
fst_write_config "$FST_TMP/forkstop.conf" <<EOC
[policy]
action = kill
scope = cgroup
EOC
out=$("$FORKSTOPD" --check-config "$FST_TMP/forkstop.conf" 2>&1)
fst_check "--check-config good file: exit $?" [ $? = 0 ]
if fst_daemon_start "$FST_TMP/forkstop.conf"; then
        cp "$FST_TMP/forkstop.conf" "$FST_TMP/good.conf"
        cp "$bad" "$FST_TMP/forkstop.conf"
        kill -HUP "$FST_DAEMON_PID"
        fst_check "no 'Reload failed' after a bad SIGHUP" \
                fst_wait_cond 5 grep -q "Reload failed" "$FST_TMP/daemon.log"
        fst_check "reload failure lacks 'file:line'" \
                grep -q "forkstop.conf:4" "$FST_TMP/daemon.log"
        fst_check "daemon died after a bad reload" kill -0 "$FST_DAEMON_PID"
        # The old configuration (action = kill) must still hold.
        fst_run_bomb 1024 "$WORKLOADS/bomb-fork"
        fst_check "old config not kept: no action alert after the failed reload" [ -n "$FST_R_ACTION" ]
        fst_check "bomb not killed by the old config" fst_wait_cond 5 fst_cg_empty "$FST_CG/bomb"
        cp "$FST_TMP/good.conf" "$FST_TMP/forkstop.conf"
        kill -HUP "$FST_DAEMON_PID"
        fst_check "no 'Reloaded' after a good SIGHUP" fst_wait_cond 5 grep -q "Reloaded" "$FST_TMP/daemon.log"
        fst_check "daemon died after a good reload" kill -0 "$FST_DAEMON_PID"
        fst_daemon_stop
        rc=$?
        fst_check "SIGTERM: exit $rc, expected 0" [ "$rc" = 0 ]
        [ "$FST_CASE_FAILED" = 0 ] || grep -E "Reload|forkstop.conf" "$FST_TMP/daemon.log" | sed 's/^/    /'
else
        fst_fail "$FST_CASE" "daemon did not start"
fi
fst_case_end "check-config, bad and good reload"
