#!/bin/bash
# SPDX-License-Identifier: MIT
# scope = lineage, lineage = yes: a shell in the bomb cgroup starts two innocent `sleep 600`
# children, then a bomb; a bystander runs in the same cgroup. Afterwards the shell, the innocents
# and the bystander are alive, outside the incident cgroup and not frozen; the bomb is gone or
# frozen in an incident cgroup under the case; the alert's root names the bomb, not the shell.
. "$(dirname "$0")/lib.sh"
fst_require_root

# name action kind command...
CASES=(
        "bash freeze exponential $FST_SCRIPTS/bomb-bash.sh"
        "fork freeze exponential $WORKLOADS/bomb-fork"
        "fork-kill kill exponential $WORKLOADS/bomb-fork"
        "mp-fork freeze exponential $FST_SCRIPTS/bomb-mp.py fork"
        "mp-forkserver freeze exponential $FST_SCRIPTS/bomb-mp.py forkserver"
        "mp-spawn freeze exponential $FST_SCRIPTS/bomb-mp.py spawn"
        "threads freeze threads $WORKLOADS/bomb-threads"
)

# A survivor must be alive, outside the incidents and in a cgroup that is not frozen.
survivor_ok() {
        local pid=$1 cg
        fst_alive "$pid" || { echo "pid $pid is dead"; return 1; }
        cg=$(fst_cgroup_of "$pid")
        [[ $cg == "$FST_CG/incidents"* ]] && { echo "pid $pid was moved to $cg"; return 1; }
        fst_is_frozen "$cg" && { echo "pid $pid is frozen in $cg"; return 1; }
        return 0
}

for c in "${CASES[@]}"; do
        read -r name action kind cmd <<< "$c"
        fst_selected "$name" || continue
        fst_case_begin "lineage-$name" || continue
        limit=2048
        [[ $name == mp-* ]] && limit=256
        # forkserver and spawn: the workers are forked by a fork server or start a fresh
        # interpreter; the daemon must still name the bomb's main program and take it too.
        fst_write_config "$FST_TMP/forkstop.conf" <<EOC
lineage = yes
[policy]
action = $action
scope = lineage
EOC
        if ! fst_daemon_start "$FST_TMP/forkstop.conf"; then
                fst_fail "$FST_CASE" "daemon did not start"
                fst_case_end
                continue
        fi
        fst_mkcg "$FST_CG/bomb" "$limit"
        fst_start_bystander "$FST_CG/bomb" bystander
        by=$FST_BY_PID
        export FST_INNOCENTS=$FST_TMP/innocents FST_BOMB_ROOT=$FST_TMP/bomb-root
        fst_run_bomb "$limit" "$FST_SCRIPTS/bomb-lineage.sh" $cmd
        shell=$(cat "$FST_TMP/bomb.pid")
        root=$(cat "$FST_BOMB_ROOT" 2>/dev/null)
        if [ -z "$FST_R_ACTION" ]; then
                fst_fail "$FST_CASE" "no action alert within 10 s (peak $FST_R_PEAK)"
        else
                fst_wait_cond 3 fst_not fst_alive "$root" || [ "$action" = kill ] ||
                        fst_wait_cond 3 fst_is_frozen "$(fst_cgroup_of "$root")"
                rpid=$(fst_field "$FST_R_ACTION" FORKSTOP_ROOT_PID)
                rcmd=$(fst_field "$FST_R_ACTION" FORKSTOP_ROOT_COMMAND)
                inc=$(fst_field "$FST_R_ACTION" FORKSTOP_INCIDENT_CGROUP)
                fst_check "kind '$FST_R_KIND', expected $kind" [ "$FST_R_KIND" = "$kind" ]
                fst_check "scope '$(fst_field "$FST_R_ACTION" FORKSTOP_SCOPE)', expected lineage" \
                        [ "$(fst_field "$FST_R_ACTION" FORKSTOP_SCOPE)" = lineage ]
                fst_check "root pid $rpid '$rcmd' is the shell ($shell)" [ "$rpid" != "$shell" ]
                fst_check "root pid $rpid '$rcmd', expected the bomb's root $root" [ "$rpid" = "$root" ]
                fst_check "root command '$rcmd' names the shell" \
                        fst_not grep -q bomb-lineage <<< "$rcmd"
                fst_check "incident cgroup '$inc' not under $FST_CG/incidents" \
                        fst_has_prefix "$inc" "$FST_CG/incidents/"
                for p in "$shell" $(cat "$FST_INNOCENTS") "$by"; do
                        why=$(survivor_ok "$p") || fst_fail "$FST_CASE" "innocent: $why"
                done
                # The bomb: its root gone, or frozen in the incident cgroup.
                if fst_alive "$root"; then
                        rcg=$(fst_cgroup_of "$root")
                        fst_check "bomb root $root alive in $rcg, not in $inc" [ "$rcg" = "$inc" ]
                        fst_check "bomb root $root in $rcg not frozen" fst_is_frozen "$rcg"
                fi
                # Nothing but the shell, the innocents and the bystander may stay behind.
                left=$(fst_procs "$FST_CG/bomb" | grep -v -x -F -e "$shell" -e "$by" \
                        $(sed 's/^/-e /' "$FST_INNOCENTS") | wc -l)
                fst_check "$left bomb processes left in $FST_CG/bomb" [ "$left" = 0 ]
        fi
        fst_log "lineage $name ($action): peak $FST_R_PEAK, ${FST_R_MS} ms (from the shell start, 300 ms before the bomb), root $rpid '$rcmd' (shell $shell, bomb $root)"
        [ "$FST_CASE_FAILED" = 0 ] || fst_show_alerts
        fst_case_end "peak $FST_R_PEAK, ${FST_R_MS} ms, innocents intact"
done
