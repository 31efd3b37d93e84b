#!/bin/bash
# SPDX-License-Identifier: MIT
# The capped rule: a bomb against pids.max 64 with min_tasks above 64, so that only refused forks
# can reveal it. It must be contained, with exactly one "refused" alert (rate-limited). A second
# case with action = log lets the bomb hammer the cap for 3 s: still exactly one refused alert.
. "$(dirname "$0")/lib.sh"
fst_require_root

for mode in log kill; do
        fst_selected "capped-$mode" || continue
        fst_case_begin "capped-$mode" 15 || continue
        fst_write_config "$FST_TMP/forkstop.conf" <<EOC
alert_interval_sec = 60
[policy]
action = $mode
scope = cgroup
min_tasks = 100
EOC
        if ! fst_daemon_start "$FST_TMP/forkstop.conf"; then
                fst_fail "$FST_CASE" "daemon did not start"
                fst_case_end
                continue
        fi
        fst_run_bomb 64 "$WORKLOADS/bomb-fork"
        fst_check "no action alert" [ -n "$FST_R_ACTION" ]
        fst_check "kind '$FST_R_KIND', expected capped" [ "$FST_R_KIND" = capped ]
        if [ "$mode" = kill ]; then
                fst_check "bomb cgroup not empty" fst_wait_cond 5 fst_cg_empty "$FST_CG/bomb"
        else
                sleep 3
                fst_check "action = log, yet the bomb is gone" [ -n "$(fst_procs "$FST_CG/bomb")" ]
        fi
        n=$(fst_alerts refused | wc -l)
        fst_check "$n refused alerts, expected exactly 1" [ "$n" = 1 ]
        refused=$(sed -n 's/^max //p' "$(fst_pids_dir "$FST_CG/bomb")/pids.events")
        fst_log "capped-$mode: $n refused alert(s) for $refused refused forks, ${FST_R_MS} ms to action"
        [ "$FST_CASE_FAILED" = 0 ] || fst_show_alerts
        fst_case_end "$n refused alert, $refused forks refused"
done
