#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs inside the test VM from the host's run folder: installs the staged forkstop into /,
# breaks it on purpose when asked, runs the end-to-end suite, saves forkstopd's records as JSON
# (forkstopd.json in the run folder) and returns the suite's status.
set -u
run=/mnt/fsvm
# shellcheck source=/dev/null
. "$run/env"
export FORKSTOP_VM_ONLY FORKSTOP_VM_WORKLOADS=$run/workloads

echo "guest: $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1024) }' /proc/meminfo) MiB," \
        "systemd $(systemctl --version | awk 'NR == 1 { print $2 }'), up $(cut -d' ' -f1 /proc/uptime) s"

cp -a "$run/stage/." / || { echo "guest: cannot copy the stage into /"; exit 1; }
journalctl --update-catalog || echo "guest: journalctl --update-catalog failed"
systemctl daemon-reload || { echo "guest: systemctl daemon-reload failed"; exit 1; }

case ${FORKSTOP_VM_BREAK:-} in
"") ;;
1)
        echo "guest: BREAKING on purpose: /etc/forkstop/forkstop.conf now says action=log"
        printf '[policy]\naction = log\n' > /etc/forkstop/forkstop.conf
        ;;
2)
        echo "guest: BREAKING on purpose: forkstopd now exits at once"
        printf '#!/bin/sh\necho "forkstopd: broken on purpose" >&2\nexit 1\n' > /usr/sbin/forkstopd
        ;;
*)
        echo "guest: unknown FORKSTOP_VM_BREAK=$FORKSTOP_VM_BREAK"
        exit 1
        ;;
esac

# Every 15 s, a snapshot for the host to show when the VM hangs: real-time priority, so that a
# runaway bomb cannot starve it.
heartbeat() {
        while :; do
                {
                        echo "uptime $(cut -d' ' -f1 /proc/uptime) s, load $(cut -d' ' -f1-4 /proc/loadavg)"
                        systemctl show -p MainPID,ActiveState,SubState,StatusText forkstop.service
                        for d in /sys/fs/cgroup/*/fsvm-* /sys/fs/cgroup/*/*/fsvm-* \
                                /sys/fs/cgroup/forkstop.*/*; do
                                [ -e "$d/pids.current" ] || continue
                                echo "$d: pids.current $(cat "$d/pids.current")" \
                                        "$(grep frozen "$d/cgroup.events" | tr '\n' ' ')"
                        done
                        journalctl -b -n 150 --no-pager
                } > "$run/heartbeat.tmp" 2>&1
                mv "$run/heartbeat.tmp" "$run/heartbeat.txt"
                sleep 15
        done
}
heartbeat &
hb=$!
chrt -f -p 5 "$hb" > /dev/null || echo "guest: the heartbeat stays at normal priority"

rc=0
/bin/bash "$run/suite/e2e.sh" || rc=$?
kill "$hb"
# Every record of the daemon, for a look after a failure.
journalctl -b -o json --no-pager SYSLOG_IDENTIFIER=forkstopd > "$run/forkstopd.json" 2>&1
exit "$rc"
