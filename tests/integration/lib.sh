# SPDX-License-Identifier: MIT
# Shared harness for the integration tests: cgroup discovery, capped test cgroups with a hard
# deadline, the launcher, the daemon, and alert parsing. Sourced by every test-*.sh.
#
# A test case lives in its own cgroup /fst-<case>-<pid>, created at the same relative path in
# cgroup v2 and (on hybrid hosts) in the v1 pids hierarchy. Its pids.max (4096) is written
# before anything runs in it; bomb cgroups below it get their own, lower pids.max. Workloads run
# under fst-launch, which stays outside the test cgroup and reaps the whole tree. At the deadline
# (FST_DEADLINE_SEC, default 20), on Ctrl-C and at the end of every case, pass or fail, every
# task in the subtree is killed and the cgroups are removed, children first.

FST_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORKLOADS=${WORKLOADS:-$FST_ROOT/build/workloads}
FST_SCRIPTS=$FST_ROOT/tests/workloads
FORKSTOPD=${FORKSTOPD:-$FST_ROOT/build/forkstopd}
FST_DEADLINE_SEC=${FST_DEADLINE_SEC:-20}
FST_PY=/usr/bin/python3
FST_RESULTS=${FST_RESULTS:-}
FST_CG=
FST_TMP=
FST_WATCHDOG=
FST_DAEMON_PID=
FST_LAUNCHERS=()

fst_log() { echo "  $*"; }

fst_record() {
        echo "$1: $2${3:+: $3}"
        [ -n "$FST_RESULTS" ] && echo "$1 $2" >> "$FST_RESULTS"
        return 0
}
fst_pass() { fst_record PASS "$1" "$2"; }
fst_fail() { fst_record FAIL "$1" "$2"; FST_CASE_FAILED=1; }
fst_skip() { fst_record SKIP "$1" "$2"; }

# Finds the cgroup2 mount and the pids hierarchy: FST_V2, FST_PIDS_ON_V2 (0/1), FST_PIDS_V1
# ("" when pids is on v2 or absent) and FST_FREEZER_V1 (may be "").
fst_discover() {
        FST_V2=$(awk '{ for (i = 1; $i != "-"; i++); if ($(i+1) == "cgroup2") { print $5; exit } }' \
                /proc/self/mountinfo)
        FST_PIDS_V1=
        FST_FREEZER_V1=
        FST_PIDS_ON_V2=0
        if [ -n "$FST_V2" ] && grep -qw pids "$FST_V2/cgroup.controllers" 2>/dev/null; then
                FST_PIDS_ON_V2=1
        else
                FST_PIDS_V1=$(awk '{ for (i = 1; $i != "-"; i++);
                        if ($(i+1) == "cgroup" && ("," $(i+3) ",") ~ /,pids,/) { print $5; exit } }' \
                        /proc/self/mountinfo)
        fi
        FST_FREEZER_V1=$(awk '{ for (i = 1; $i != "-"; i++);
                if ($(i+1) == "cgroup" && ("," $(i+3) ",") ~ /,freezer,/) { print $5; exit } }' \
                /proc/self/mountinfo)
        [ -n "$FST_V2" ]
}

# The directory holding pids.max for a relative cgroup path.
fst_pids_dir() {
        if [ "$FST_PIDS_ON_V2" = 1 ]; then echo "$FST_V2$1"; else echo "$FST_PIDS_V1$1"; fi
}

# Prints "v2dir pidsdir" (pidsdir omitted when pids is on v2) for launcher -c options.
fst_cg_dirs() {
        if [ "$FST_PIDS_ON_V2" = 1 ]; then echo "$FST_V2$1"; else echo "$FST_V2$1 $FST_PIDS_V1$1"; fi
}

# fst_mkcg REL [PIDS_MAX]: creates the cgroup in every hierarchy and writes pids.max (default
# 2048, never above 4096 unless FST_ALLOW_BIG=1 for sleepers). Fails when no limit can be set.
fst_mkcg() {
        local rel=$1 max=${2:-2048} parent
        if [ "$max" -gt 4096 ] && [ "${FST_ALLOW_BIG:-0}" != 1 ]; then
                echo "fst_mkcg: refusing pids.max $max > 4096" >&2
                return 1
        fi
        parent=${rel%/*}
        if [ "$FST_PIDS_ON_V2" = 1 ]; then
                grep -qw pids "$FST_V2$parent/cgroup.subtree_control" 2>/dev/null ||
                        echo +pids > "$FST_V2$parent/cgroup.subtree_control" || return 1
        fi
        mkdir -p "$FST_V2$rel" || return 1
        [ "$FST_PIDS_ON_V2" = 1 ] || mkdir -p "$FST_PIDS_V1$rel" || return 1
        [ -w "$(fst_pids_dir "$rel")/pids.max" ] || return 1
        echo "$max" > "$(fst_pids_dir "$rel")/pids.max" || return 1
        [ "$(cat "$(fst_pids_dir "$rel")/pids.max")" = "$max" ]
}

# All cgroup directories of the current case in every hierarchy, deepest first.
fst_case_dirs() {
        local h
        for h in "$FST_V2" "$FST_PIDS_V1" "$FST_FREEZER_V1"; do
                [ -n "$h" ] && [ -n "$FST_CG" ] && [ -d "$h$FST_CG" ] && find "$h$FST_CG" -depth -type d
        done
}

# Kills every task in the case's subtree: cgroup.kill on v2, then SIGKILL sweeps of every
# cgroup.procs (v2 and v1) until all are empty or 10 s have passed.
fst_kill_subtree() {
        local d pid left i
        for d in $(fst_case_dirs); do
                [ -w "$d/cgroup.kill" ] && echo 1 > "$d/cgroup.kill" 2>/dev/null
                [ -w "$d/freezer.state" ] && echo THAWED > "$d/freezer.state" 2>/dev/null
        done
        for ((i = 0; i < 1000; i++)); do
                left=0
                for d in $(fst_case_dirs); do
                        while read -r pid; do
                                kill -9 "$pid" 2>/dev/null && left=1
                        done < "$d/cgroup.procs"
                done
                [ $left = 0 ] && return 0
                read -r -t 0.01 <> "$FST_TMP/wd.fifo"
        done
        echo "fst_kill_subtree: tasks left in $FST_CG after 10 s" >&2
        return 1
}

# Waits (builtins only) up to $2 seconds for a process of ours to exit.
fst_wait_exit() {
        local pid=$1 i
        for ((i = 0; i < ${2:-10} * 100; i++)); do
                kill -0 "$pid" 2>/dev/null || return 0
                [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] && return 0
                read -r -t 0.01 <> "$FST_TMP/wd.fifo"
        done
        return 1
}

fst_daemon_stop() {
        local rc=0
        [ -n "$FST_DAEMON_PID" ] || return 0
        kill -TERM "$FST_DAEMON_PID" 2>/dev/null
        if ! fst_wait_exit "$FST_DAEMON_PID" 5; then
                kill -KILL "$FST_DAEMON_PID" 2>/dev/null
                echo "daemon did not exit on SIGTERM within 5 s" >&2
        fi
        wait "$FST_DAEMON_PID"
        rc=$?
        FST_DAEMON_PID=
        return $rc
}

# Ends the case: stops the daemon, kills the subtree, lets the launchers reap, removes the
# cgroups children first. Idempotent; used by the deadline, the traps and fst_case_end.
fst_cleanup() {
        local p d i ok=0
        [ -n "$FST_WATCHDOG" ] && kill "$FST_WATCHDOG" 2>/dev/null && wait "$FST_WATCHDOG" 2>/dev/null
        FST_WATCHDOG=
        fst_daemon_stop
        [ -n "$FST_CG" ] || return 0
        fst_kill_subtree
        for p in "${FST_LAUNCHERS[@]}"; do
                fst_wait_exit "$p" 20 || { echo "launcher $p still running, killing it" >&2; kill -9 "$p"; }
                wait "$p" 2>/dev/null
        done
        FST_LAUNCHERS=()
        for ((i = 0; i < 50; i++)); do
                ok=1
                for d in $(fst_case_dirs); do
                        rmdir "$d" 2>/dev/null || ok=0
                done
                [ $ok = 1 ] && break
                fst_kill_subtree
                read -r -t 0.1 <> "$FST_TMP/wd.fifo"
        done
        [ $ok = 1 ] || echo "cleanup: could not remove $(fst_case_dirs | tr '\n' ' ')" >&2
        FST_CG=
        [ -n "$FST_TMP" ] && [ "${FST_KEEP_TMP:-0}" != 1 ] && rm -rf "$FST_TMP"
        FST_TMP=
        return 0
}

fst_on_signal() {
        echo "interrupted ($1): cleaning up $FST_CG" >&2
        [ -n "$FST_CASE" ] && fst_fail "$FST_CASE" "${2:-interrupted}"
        FST_CASE=
        fst_cleanup
        exit 1
}

fst_require_root() {
        if [ "$(id -u)" != 0 ]; then
                fst_skip "${1:-$(basename "$0")}" "needs root for real cgroups"
                exit 0
        fi
        fst_discover || { fst_skip "$(basename "$0")" "no cgroup2 mount"; exit 0; }
        if [ "$FST_PIDS_ON_V2" != 1 ] && [ -z "$FST_PIDS_V1" ]; then
                fst_skip "$(basename "$0")" "no pids controller (v2 or v1): cannot cap a bomb"
                exit 0
        fi
}

# fst_case_begin NAME [DEADLINE_SEC]: creates /fst-NAME-PID capped at 4096 (FST_CASE_PIDS_MAX with
# FST_ALLOW_BIG=1 for the benchmark's sleepers; bombs stay capped by their own cgroup and by
# fst-launch's check) and arms the deadline.
fst_case_begin() {
        FST_CASE=$1
        FST_CASE_FAILED=0
        FST_CG=/fst-${1//[^A-Za-z0-9_.-]/_}-$$
        FST_TMP=$(mktemp -d "/tmp/fst-$1.XXXXXX")
        mkfifo "$FST_TMP/wd.fifo"
        if ! fst_mkcg "$FST_CG" "${FST_CASE_PIDS_MAX:-4096}"; then
                fst_skip "$FST_CASE" "cannot create $FST_CG with a pids limit"
                fst_cleanup
                return 1
        fi
        [ "$FST_PIDS_ON_V2" = 1 ] && echo +pids > "$FST_V2$FST_CG/cgroup.subtree_control"
        trap 'fst_on_signal INT' INT
        trap 'fst_on_signal TERM "deadline of ${FST_DEADLINE_SEC_CASE}s reached"' TERM
        trap 'fst_cleanup' EXIT
        FST_DEADLINE_SEC_CASE=${2:-$FST_DEADLINE_SEC}
        (
                trap - INT TERM EXIT
                # Real-time, like fst-launch: a bomb starves normal-priority processes.
                chrt -f -p 5 $BASHPID > /dev/null 2>&1
                read -r -t "$FST_DEADLINE_SEC_CASE" <> "$FST_TMP/wd.fifo"
                echo "deadline: ${FST_DEADLINE_SEC_CASE}s reached in $FST_CASE, killing $FST_CG" >&2
                fst_kill_subtree
                kill -TERM $$
        ) &
        FST_WATCHDOG=$!
        return 0
}

# Ends the case: cleanup, then PASS unless something failed.
fst_case_end() {
        local name=$FST_CASE
        # The daemon must exit 0 on SIGTERM: a sanitizer report or a crash shows here.
        if [ -n "$FST_DAEMON_PID" ] && ! fst_daemon_stop; then
                fst_fail "$name" "daemon exited non-zero on SIGTERM"
                grep -a -v "FORKSTOP_EVENT=" "$FST_TMP/daemon.log" | tail -20 | sed 's/^/    daemon: /' >&2
        fi
        FST_CASE=
        fst_cleanup
        trap - INT TERM EXIT
        [ "$FST_CASE_FAILED" = 0 ] && fst_pass "$name" "$1"
        return 0
}

fst_check() {
        # fst_check "description" command...: records a failure when the command fails.
        local what=$1
        shift
        "$@" && return 0
        fst_fail "$FST_CASE" "$what"
        return 1
}

# fst_launch TAG REL DEADLINE_MSEC -- PROG ARGS...: starts PROG under fst-launch in cgroup REL.
# Files: $FST_TMP/TAG.start (CLOCK_MONOTONIC usec), TAG.pid (workload PID), TAG.log (output),
# TAG.launcher (launcher PID). Sets FST_LAST_LAUNCHER.
fst_launch() {
        local tag=$1 rel=$2 ms=$3 d opts=()
        shift 3
        [ "$1" = -- ] && shift
        for d in $(fst_cg_dirs "$rel"); do opts+=(-c "$d"); done
        ${FST_LAUNCH_WRAP:-} "$WORKLOADS/fst-launch" "${opts[@]}" -d "$ms" -s "$FST_TMP/$tag.start" -p "$FST_TMP/$tag.pid" \
                -- "$@" > "$FST_TMP/$tag.log" 2>&1 < /dev/null &
        FST_LAST_LAUNCHER=$!
        FST_LAUNCHERS+=("$FST_LAST_LAUNCHER")
        echo "$FST_LAST_LAUNCHER" > "$FST_TMP/$tag.launcher"
}

# Waits for TAG.pid to appear and prints the workload's PID.
fst_launched_pid() {
        local i
        for ((i = 0; i < 500; i++)); do
                [ -s "$FST_TMP/$1.pid" ] && { cat "$FST_TMP/$1.pid"; return 0; }
                read -r -t 0.01 <> "$FST_TMP/wd.fifo"
        done
        return 1
}

# Waits for a launcher to exit and returns its exit status.
fst_launch_wait() {
        local pid=$1 rc
        wait "$pid"
        rc=$?
        FST_LAUNCHERS=("${FST_LAUNCHERS[@]/$pid}")
        return $rc
}

# fst_config FILE: writes a config confined to the case's cgroup; extra lines from stdin are
# appended ([policy] overrides etc.).
fst_write_config() {
        local f=$1
        {
                echo "[forkstop]"
                echo "watch = $FST_CG"
                echo "incident_parent = $FST_CG/incidents"
                cat
        } > "$f"
}

# fst_daemon_start CONFIG: starts the daemon (stderr to $FST_TMP/daemon.log) and waits for
# "Ready:" (10 s). Returns 1 when it died or never became ready.
fst_daemon_start() {
        local i
        : > "$FST_TMP/daemon.log"
        "$FORKSTOPD" --config "$1" 2>> "$FST_TMP/daemon.log" > "$FST_TMP/daemon.out" < /dev/null &
        FST_DAEMON_PID=$!
        for ((i = 0; i < 1000; i++)); do
                grep -q "Ready:" "$FST_TMP/daemon.log" && return 0
                if ! kill -0 "$FST_DAEMON_PID" 2>/dev/null; then
                        wait "$FST_DAEMON_PID"
                        echo "daemon exited with $? before Ready:" >&2
                        sed 's/^/    daemon: /' "$FST_TMP/daemon.log" | tail -20 >&2
                        FST_DAEMON_PID=
                        return 1
                fi
                read -r -t 0.01 <> "$FST_TMP/wd.fifo"
        done
        echo "daemon not ready after 10 s" >&2
        return 1
}

# Alert lines of the daemon log, optionally only of one event type.
fst_alerts() {
        grep -a "FORKSTOP_EVENT=${1:-}" "$FST_TMP/daemon.log" 2>/dev/null
}

# fst_field LINE KEY: prints the value of KEY in a structured alert line (quotes removed).
fst_field() {
        local line=" ${1#* | }" re v
        re=" $2=(\"([^\"\\\\]|\\\\.)*\"|[^ ]*)"
        [[ $line =~ $re ]] || return 1
        v=${BASH_REMATCH[1]}
        if [[ $v == \"*\" ]]; then v=${v:1:${#v}-2}; fi
        printf '%s\n' "$v"
}

# fst_wait_alert EVENT CGROUP_PREFIX TIMEOUT_SEC: waits for an alert of that event whose
# FORKSTOP_CGROUP starts with CGROUP_PREFIX (or whose INCIDENT_CGROUP does); prints the line.
fst_wait_alert() {
        local ev=$1 cg=$2 i line c
        for ((i = 0; i < ${3:-10} * 50; i++)); do
                while IFS= read -r line; do
                        c=$(fst_field "$line" FORKSTOP_CGROUP)
                        if [[ $c == "$cg"* ]]; then printf '%s\n' "$line"; return 0; fi
                done < <(fst_alerts "$ev")
                read -r -t 0.02 <> "$FST_TMP/wd.fifo"
        done
        return 1
}

# Tasks of a cgroup (v2 cgroup.procs), one PID a line.
fst_procs() { cat "$FST_V2$1/cgroup.procs" 2>/dev/null; }

fst_pids_current() { cat "$(fst_pids_dir "$1")/pids.current" 2>/dev/null; }

# Peak tasks: pids.peak when the kernel has it, else the max of pids.current seen by
# fst_sample_peak.
fst_pids_peak() {
        local f
        f=$(fst_pids_dir "$1")/pids.peak
        if [ -r "$f" ]; then cat "$f"; else cat "$FST_TMP/peak.${1//\//_}" 2>/dev/null || echo "?"; fi
}

fst_is_frozen() { grep -qx "frozen 1" "$FST_V2$1/cgroup.events" 2>/dev/null; }

# fst_wait_cond TIMEOUT_SEC command...: polls the command every 20 ms.
fst_wait_cond() {
        local t=$1 i
        shift
        for ((i = 0; i < t * 50; i++)); do
                "$@" && return 0
                read -r -t 0.02 <> "$FST_TMP/wd.fifo"
        done
        return 1
}

fst_cg_empty() { [ -z "$(fst_procs "$1")" ]; }

# The v2 cgroup of a process, relative to the root.
fst_cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null; }

# A process is alive: it exists and is not a zombie.
fst_alive() {
        local st
        st=$(sed -n 's/^State:\s*\(.\).*/\1/p' "/proc/$1/status" 2>/dev/null)
        [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Milliseconds from a launch (TAG.start) to CLOCK_MONOTONIC usec $2.
fst_ms_since_start() {
        local s
        s=$(cat "$FST_TMP/$1.start" 2>/dev/null) || { echo "?"; return; }
        [ -n "$2" ] || { echo "?"; return; }
        echo $(( ($2 - s) / 1000 ))
}

# The bombs: "name pids.max kind command...". Python bombs that start fresh interpreters get a
# lower cap (each spawn child costs ~10 MB).
FST_BOMBS=(
        "bash 2048 exponential $FST_SCRIPTS/bomb-bash.sh"
        "fork 2048 exponential $WORKLOADS/bomb-fork"
        "pyfork 2048 exponential $FST_SCRIPTS/bomb-pyfork.py"
        "selfcopy 2048 exponential $FST_SCRIPTS/bomb-selfcopy.sh"
        "mp-fork 512 exponential $FST_SCRIPTS/bomb-mp.py fork"
        "mp-forkserver 256 exponential $FST_SCRIPTS/bomb-mp.py forkserver"
        "mp-spawn 256 exponential $FST_SCRIPTS/bomb-mp.py spawn"
        "mp-pool-fork 512 exponential $FST_SCRIPTS/bomb-mp.py fork pool"
        "linear 2048 runaway $FST_SCRIPTS/bomb-linear.sh"
        "threads 2048 threads $WORKLOADS/bomb-threads"
)
FST_LEGIT=(legit-make.sh legit-xargs.sh legit-mp-pool.py legit-ppe.py legit-loop.sh legit-prefork.py)

# True when $1 is selected by FST_ONLY (space separated names; empty selects everything).
fst_selected() { [ -z "${FST_ONLY:-}" ] || [[ " $FST_ONLY " == *" $1 "* ]]; }

# fst_start_bystander REL TAG: a `sleep 600` in REL under its own launcher; sets FST_BY_PID.
# Not to be called in $(...): the launcher must be a child of the test shell, which reaps it.
fst_start_bystander() {
        FST_BY_PID=
        if [ ! -d "$FST_V2$1" ]; then fst_mkcg "$1" 64 || return 1; fi
        fst_launch "$2" "$1" "$(( FST_DEADLINE_SEC_CASE * 1000 ))" -- sleep 600
        FST_BY_PID=$(fst_launched_pid "$2")
}

# fst_run_bomb LIMIT CMD...: runs the bomb in $FST_CG/bomb (capped at LIMIT) with the daemon
# already running, waits up to 10 s for the daemon's first action alert about the case's subtree
# and sets FST_R_ACTION (the line, "" when none), FST_R_DETECTED, FST_R_KIND, FST_R_MS (start to
# the action alert's FORKSTOP_MONOTONIC_USEC), FST_R_PEAK (pids.peak of the bomb cgroup) and
# FST_R_TAG (the launch tag, "bomb").
fst_run_bomb() {
        local limit=$1 mono
        shift
        FST_R_TAG=bomb
        fst_mkcg "$FST_CG/bomb" "$limit" || return 1
        fst_launch bomb "$FST_CG/bomb" "$(( (FST_DEADLINE_SEC_CASE - 3) * 1000 ))" -- "$@"
        FST_R_ACTION=$(fst_wait_alert action "$FST_CG" "${FST_ALERT_TIMEOUT:-10}")
        FST_R_DETECTED=$(fst_alerts detected | head -1)
        FST_R_KIND=$(fst_field "$FST_R_ACTION" FORKSTOP_KIND)
        [ -n "$FST_R_KIND" ] || FST_R_KIND=$(fst_field "$FST_R_DETECTED" FORKSTOP_KIND)
        mono=$(fst_field "$FST_R_ACTION" FORKSTOP_MONOTONIC_USEC)
        FST_R_MS=$(fst_ms_since_start bomb "$mono")
        FST_R_PEAK=$(fst_pids_peak "$FST_CG/bomb")
        [ -n "$FST_R_ACTION" ]
}

# Prints the daemon's alerts of the case, shortened, for the test log.
fst_show_alerts() {
        fst_alerts | sed 's/ | .*FORKSTOP_EVENT=/ | EVENT=/' | cut -c1-220 | head -${1:-6} | sed 's/^/    /'
}

fst_not() { ! "$@"; }

fst_has_prefix() { case $1 in "$2"*) return 0 ;; esac; return 1; }

# True when process $1 is $2 or descends from it (following PPid).
fst_descends() {
        local p=$1 i
        for ((i = 0; i < 64 && p > 1; i++)); do
                [ "$p" = "$2" ] && return 0
                p=$(sed -n 's/^PPid:\s*//p' "/proc/$p/status" 2>/dev/null)
                [ -n "$p" ] || return 1
        done
        return 1
}
