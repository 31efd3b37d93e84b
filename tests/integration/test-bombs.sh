#!/bin/bash
# SPDX-License-Identifier: MIT
# Every bomb, action = kill, scope = cgroup, in its own capped cgroup: the bomb cgroup ends
# empty, an action alert names the cgroup and the right kind, a bystander in a sibling cgroup
# survives. Prints peak tasks and ms from start to the action.
. "$(dirname "$0")/lib.sh"
fst_require_root

for b in "${FST_BOMBS[@]}"; do
        read -r name limit kind cmd <<< "$b"
        fst_selected "$name" || continue
        fst_case_begin "bomb-$name" || continue
        fst_write_config "$FST_TMP/forkstop.conf" <<EOC
lineage = ${FST_LINEAGE:-yes}
[policy]
action = kill
scope = cgroup
EOC
        if ! fst_daemon_start "$FST_TMP/forkstop.conf"; then
                fst_fail "$FST_CASE" "daemon did not start"
                fst_case_end
                continue
        fi
        fst_start_bystander "$FST_CG/bystander" bystander
        by=$FST_BY_PID
        if ! fst_run_bomb "$limit" $cmd; then
                fst_fail "$FST_CASE" "no action alert within 10 s (peak $FST_R_PEAK)"
        else
                cg=$(fst_field "$FST_R_ACTION" FORKSTOP_CGROUP)
                res=$(fst_field "$FST_R_ACTION" FORKSTOP_RESULT)
                act=$(fst_field "$FST_R_ACTION" FORKSTOP_ACTION)
                fst_check "alert names cgroup '$cg', expected $FST_CG/bomb" [ "$cg" = "$FST_CG/bomb" ]
                fst_check "alert kind '$FST_R_KIND', expected $kind" [ "$FST_R_KIND" = "$kind" ]
                fst_check "action '$act' result '$res', expected kill done" \
                        [ "$act" = kill ] && [ "$res" = done ]
                fst_check "bomb cgroup not empty 5 s after the alert: $(fst_procs "$FST_CG/bomb" | wc -l) tasks" \
                        fst_wait_cond 5 fst_cg_empty "$FST_CG/bomb"
        fi
        fst_check "bystander $by not alive" fst_alive "$by"
        fst_log "bomb $name: peak $FST_R_PEAK tasks (pids.max $limit), ${FST_R_MS} ms to action, kind $FST_R_KIND"
        [ "$FST_CASE_FAILED" = 0 ] || fst_show_alerts
        fst_case_end "peak $FST_R_PEAK, ${FST_R_MS} ms, kind $FST_R_KIND"
done
