#!/bin/bash
# SPDX-License-Identifier: MIT
# Benchmarks (root): per bomb, peak tasks and ms to containment with lineage = yes and = no; per
# legitimate workload, untouched or not; the daemon's CPU time and memory while idle beside 5,000
# sleeping processes and during a churn of short processes. The daemon watches only the bench
# cgroup. BENCH_IDLE_SEC (60), BENCH_CHURN_SEC (30), BENCH_SLEEPERS (5000), FST_ONLY.
. "$(dirname "$0")/../tests/integration/lib.sh"
fst_require_root bench
IDLE_SEC=${BENCH_IDLE_SEC:-60}
CHURN_SEC=${BENCH_CHURN_SEC:-30}
SLEEPERS=${BENCH_SLEEPERS:-5000}
HZ=$(getconf CLK_TCK)

echo "forkstop benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r)"
echo "cgroups: v2 at $FST_V2, pids $([ "$FST_PIDS_ON_V2" = 1 ] && echo "on v2" || echo "v1 at $FST_PIDS_V1")"
echo

bomb_once() { # lineage name limit cmd...
        local lin=$1 name=$2 limit=$3
        shift 3
        fst_case_begin "bench-$name-l$lin" 20 || { echo "- -"; return; }
        fst_write_config "$FST_TMP/forkstop.conf" <<EOC
lineage = $lin
[policy]
action = kill
scope = cgroup
EOC
        if fst_daemon_start "$FST_TMP/forkstop.conf" && fst_run_bomb "$limit" "$@"; then
                echo "$FST_R_PEAK $FST_R_MS $FST_R_KIND"
        else
                echo "$FST_R_PEAK none -"
        fi
        fst_case_end > /dev/null
}

printf '%-15s %8s | %10s %8s %-11s | %10s %8s %-11s\n' bomb pids.max "peak(l=yes)" "ms" kind \
        "peak(l=no)" "ms" kind
for b in "${FST_BOMBS[@]}"; do
        read -r name limit _ cmd <<< "$b"
        fst_selected "$name" || continue
        read -r py my ky < <(bomb_once yes "$name" "$limit" $cmd 2>/dev/null | tail -1)
        read -r pn mn kn < <(bomb_once no "$name" "$limit" $cmd 2>/dev/null | tail -1)
        printf '%-15s %8s | %10s %8s %-11s | %10s %8s %-11s\n' "$name" "$limit" "$py" "$my" "$ky" \
                "$pn" "$mn" "$kn"
done
echo

printf '%-15s %-10s %8s %s\n' workload result ms alerts
for w in "${FST_LEGIT[@]}"; do
        name=${w%.*}
        fst_selected "$name" || continue
        fst_case_begin "bench-$name" 60 > /dev/null || continue
        fst_write_config "$FST_TMP/forkstop.conf" <<EOC
[policy]
action = kill
scope = cgroup
EOC
        fst_daemon_start "$FST_TMP/forkstop.conf"
        fst_mkcg "$FST_CG/legit" 2048
        t0=$(date +%s%N)
        fst_launch legit "$FST_CG/legit" 55000 -- "$FST_SCRIPTS/$w"
        fst_launch_wait "$FST_LAST_LAUNCHER"
        rc=$?
        ms=$(( ($(date +%s%N) - t0) / 1000000 ))
        n=$(fst_alerts 'detected\|FORKSTOP_EVENT=action' | wc -l)
        res=untouched
        [ "$rc" = 0 ] && [ "$n" = 0 ] || res="TOUCHED(rc=$rc)"
        printf '%-15s %-10s %8s %s\n' "$name" "$res" "$ms" "$n"
        fst_case_end > /dev/null
done
echo

# CPU seconds (utime+stime) of a process, as a decimal.
cpu_sec() { awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' "/proc/$1/stat"; }
mem() { awk '/^VmRSS|^VmHWM/ { printf "%s %s kB  ", $1, $2 }' "/proc/$1/status"; }

if fst_selected cost; then
        FST_ALLOW_BIG=1 FST_CASE_PIDS_MAX=$((SLEEPERS + 1000)) \
                fst_case_begin bench-cost $((IDLE_SEC + CHURN_SEC + 120)) || exit 1
        half=$(( (SLEEPERS + 1) / 2 ))
        for part in a b; do
                fst_mkcg "$FST_CG/sleep-$part" 4096
                fst_launch "sleep-$part" "$FST_CG/sleep-$part" $(( (IDLE_SEC + CHURN_SEC + 100) * 1000 )) -- \
                        bash -c "for ((i = 0; i < $half; i++)); do sleep 3600 & done; wait"
        done
        fst_wait_cond 60 test "$(( $(fst_pids_current "$FST_CG/sleep-a") + $(fst_pids_current "$FST_CG/sleep-b") ))" \
                -ge "$SLEEPERS"
        n=$(( $(fst_pids_current "$FST_CG/sleep-a") + $(fst_pids_current "$FST_CG/sleep-b") ))
        fst_write_config "$FST_TMP/forkstop.conf" <<EOC
lineage = yes
[policy]
action = kill
scope = cgroup
EOC
        fst_daemon_start "$FST_TMP/forkstop.conf" || { echo "daemon did not start"; exit 1; }
        d=$FST_DAEMON_PID
        echo "daemon at start: $(mem "$d")($n sleeping processes in the bench cgroup)"
        c0=$(cpu_sec "$d")
        sleep "$IDLE_SEC"
        c1=$(cpu_sec "$d")
        echo "idle ${IDLE_SEC} s: CPU $(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f s (%.2f%%)", b - a, (b - a) * 100 / '"$IDLE_SEC"' }'), $(mem "$d")"
        fst_mkcg "$FST_CG/churn" 512
        fst_launch churn "$FST_CG/churn" $(( (CHURN_SEC + 30) * 1000 )) -- bash -c "
                end=\$((SECONDS + $CHURN_SEC)); n=0
                loop() { local k=0; while [ \$SECONDS -lt \$end ]; do /bin/true; k=\$((k + 1)); done; echo \$k; }
                loop > $FST_TMP/churn1 & loop > $FST_TMP/churn2 & loop > $FST_TMP/churn3 & wait"
        c1=$(cpu_sec "$d")
        fst_launch_wait "$FST_LAST_LAUNCHER"
        c2=$(cpu_sec "$d")
        procs=$(( $(cat "$FST_TMP/churn1") + $(cat "$FST_TMP/churn2") + $(cat "$FST_TMP/churn3") ))
        echo "churn ${CHURN_SEC} s: $procs short processes ($((procs / CHURN_SEC))/s), CPU $(awk -v a="$c1" -v b="$c2" 'BEGIN { printf "%.2f s (%.2f%%)", b - a, (b - a) * 100 / '"$CHURN_SEC"' }'), $(mem "$d")"
        n=$(fst_alerts 'detected\|FORKSTOP_EVENT=action' | wc -l)
        echo "alerts during idle and churn: $n"
        fst_case_end > /dev/null
fi
