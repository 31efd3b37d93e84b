#!/bin/bash
# SPDX-License-Identifier: MIT
# Harness self-test, no daemon: every bomb runs under fst-launch in a capped cgroup until the
# launcher's deadline; the cap must hold, the sweep must leave the cgroup empty and removed.
# Every legitimate workload must complete with exit 0 under the same cap.
. "$(dirname "$0")/lib.sh"
fst_require_root

RUN_MSEC=${FST_BOMB_RUN_MSEC:-2000}

for b in "${FST_BOMBS[@]}"; do
        read -r name limit _ cmd <<< "$b"
        fst_selected "wl-bomb-$name" || continue
        fst_case_begin "wl-bomb-$name" || continue
        cg=$FST_CG/bomb
        fst_mkcg "$cg" "$limit" || { fst_fail "$FST_CASE" "cannot cap $cg"; fst_case_end; continue; }
        # Sample pids.current as a fallback when the kernel has no pids.peak.
        fst_launch bomb "$cg" "$RUN_MSEC" -- $cmd
        launcher=$FST_LAST_LAUNCHER
        max=0
        while kill -0 "$launcher" 2>/dev/null && [ "$(awk '{print $3}' /proc/$launcher/stat 2>/dev/null)" != Z ]; do
                c=$(fst_pids_current "$cg"); [ -n "$c" ] && [ "$c" -gt "$max" ] && max=$c
                read -r -t 0.05 <> "$FST_TMP/wd.fifo"
        done
        fst_launch_wait "$launcher"
        rc=$?
        peak=$(cat "$(fst_pids_dir "$cg")/pids.peak" 2>/dev/null || echo "$max")
        events=$(sed -n 's/^max //p' "$(fst_pids_dir "$cg")/pids.events" 2>/dev/null)
        left=$(fst_pids_current "$cg")
        fst_check "launcher exit $rc, expected 124 (deadline)" [ "$rc" = 124 ]
        fst_check "peak $peak exceeds pids.max $limit" [ "$peak" -le "$limit" ]
        fst_check "bomb did not reach 16 tasks (peak $peak)" [ "$peak" -ge 16 ]
        fst_check "tasks left after the launcher reaped: $left" [ "$left" = 0 ]
        fst_log "bomb $name: pids.max $limit, peak $peak, refused forks $events, after sweep $left"
        tail -2 "$FST_TMP/bomb.log" | sed 's/^/    log: /' | cut -c1-150
        dirs=$(fst_case_dirs | tr '\n' ' ')
        fst_case_end "peak $peak/$limit, refused $events"
        for d in $dirs; do
                [ -d "$d" ] && fst_fail "wl-bomb-$name" "cgroup $d not removed"
        done
done

for w in "${FST_LEGIT[@]}"; do
        name=${w%.*}
        fst_selected "wl-$name" || continue
        fst_case_begin "wl-$name" 60 || continue
        cg=$FST_CG/legit
        fst_mkcg "$cg" 2048
        t0=$(date +%s%N)
        fst_launch legit "$cg" 55000 -- "$FST_SCRIPTS/$w"
        fst_launch_wait "$FST_LAST_LAUNCHER"
        rc=$?
        ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        peak=$(fst_pids_peak "$cg")
        fst_check "exit $rc" [ "$rc" = 0 ] || sed 's/^/    log: /' "$FST_TMP/legit.log" | tail -5
        fst_log "$name: exit $rc in $ms ms, peak tasks $peak"
        fst_case_end "exit $rc, $ms ms, peak $peak"
done
