#!/bin/bash
# SPDX-License-Identifier: MIT
# action = freeze on a C bomb: the bomb cgroup is frozen, stays frozen (no task is added or
# lost over a second), and the alert tells the operator how to thaw it.
. "$(dirname "$0")/lib.sh"
fst_require_root

fst_case_begin freeze-fork || exit 0
fst_write_config "$FST_TMP/forkstop.conf" <<EOC
[policy]
action = freeze
scope = cgroup
EOC
if fst_daemon_start "$FST_TMP/forkstop.conf"; then
        fst_start_bystander "$FST_CG/bystander" bystander
        by=$FST_BY_PID
        if fst_run_bomb 2048 "$WORKLOADS/bomb-fork"; then
                act=$(fst_field "$FST_R_ACTION" FORKSTOP_ACTION)
                fst_check "action '$act', expected freeze" [ "$act" = freeze ]
                fst_check "bomb cgroup not frozen" fst_wait_cond 3 fst_is_frozen "$FST_CG/bomb"
                n1=$(fst_pids_current "$FST_CG/bomb")
                sleep 1
                n2=$(fst_pids_current "$FST_CG/bomb")
                fst_check "bomb cgroup thawed after 1 s" fst_is_frozen "$FST_CG/bomb"
                fst_check "tasks changed while frozen: $n1 -> $n2" [ "$n1" = "$n2" ]
                fst_check "alert does not say how to thaw (no cgroup.freeze path)" \
                        grep -q "echo 0 > .*$FST_CG/bomb/cgroup.freeze" <<< "${FST_R_ACTION%% | *}"
                fst_log "frozen at $n2 tasks, ${FST_R_MS} ms after start"
        else
                fst_fail "$FST_CASE" "no action alert"
        fi
        fst_check "bystander not alive" fst_alive "$by"
        [ "$FST_CASE_FAILED" = 0 ] || fst_show_alerts
else
        fst_fail "$FST_CASE" "daemon did not start"
fi
fst_case_end "frozen, ${FST_R_MS:-?} ms"
