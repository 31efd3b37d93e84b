#!/bin/bash
# SPDX-License-Identifier: MIT
# dry_run = yes with action = kill, on a bomb that sleeps once capped (so the harness is not
# starved while it checks): a detected alert with FORKSTOP_DRY_RUN=yes, and nothing is
# frozen or killed (the harness kills the bomb itself at the end).
. "$(dirname "$0")/lib.sh"
fst_require_root

fst_case_begin dryrun || exit 0
fst_write_config "$FST_TMP/forkstop.conf" <<EOC
dry_run = yes
[policy]
action = kill
scope = cgroup
EOC
if fst_daemon_start "$FST_TMP/forkstop.conf"; then
        FST_ALERT_TIMEOUT=3 fst_run_bomb 256 "$FST_SCRIPTS/bomb-mp.py" fork
        det=$(fst_wait_alert detected "$FST_CG" 5)
        fst_check "no detected alert" [ -n "$det" ]
        fst_check "detected alert without FORKSTOP_DRY_RUN=yes" \
                [ "$(fst_field "$det" FORKSTOP_DRY_RUN)" = yes ]
        if [ -n "$FST_R_ACTION" ]; then
                res=$(fst_field "$FST_R_ACTION" FORKSTOP_RESULT)
                fst_check "action alert with result '$res', expected dry-run" [ "$res" = dry-run ]
        fi
        sleep 1
        n=$(fst_pids_current "$FST_CG/bomb")
        fst_check "bomb cgroup frozen in dry-run" fst_not fst_is_frozen "$FST_CG/bomb"
        fst_check "bomb has only $n tasks: killed in dry-run?" [ "$n" -ge 200 ]
        fst_check "the daemon moved tasks to an incident cgroup" [ ! -d "$FST_V2$FST_CG/incidents" ] \
                || [ -z "$(find "$FST_V2$FST_CG/incidents" -name cgroup.procs -exec cat {} +)" ]
        fst_log "dry run: bomb left running with $n tasks"
        [ "$FST_CASE_FAILED" = 0 ] || fst_show_alerts
else
        fst_fail "$FST_CASE" "daemon did not start"
fi
fst_case_end "detected, untouched"
