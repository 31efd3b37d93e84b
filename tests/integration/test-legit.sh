#!/bin/bash
# SPDX-License-Identifier: MIT
# Legitimate bursts with the daemon watching (default policy, action = kill): each runs to
# completion with exit 0 and the daemon prints no detected or action alert.
. "$(dirname "$0")/lib.sh"
fst_require_root

for w in "${FST_LEGIT[@]}"; do
        name=${w%.*}
        fst_selected "$name" || continue
        fst_case_begin "$name" 60 || continue
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
        fst_mkcg "$FST_CG/legit" 2048
        t0=$(date +%s%N)
        fst_launch legit "$FST_CG/legit" 55000 -- "$FST_SCRIPTS/$w"
        fst_launch_wait "$FST_LAST_LAUNCHER"
        rc=$?
        ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        peak=$(fst_pids_peak "$FST_CG/legit")
        fst_check "exit status $rc, expected 0" [ "$rc" = 0 ] || tail -5 "$FST_TMP/legit.log" | sed 's/^/    log: /'
        n=$(fst_alerts 'detected\|FORKSTOP_EVENT=action' | wc -l)
        fst_check "daemon printed $n detected/action alerts" [ "$n" = 0 ] || fst_show_alerts
        fst_log "$name: exit $rc in $ms ms, peak $peak tasks, $n alerts"
        fst_case_end "exit $rc, $ms ms, peak $peak, untouched"
done
