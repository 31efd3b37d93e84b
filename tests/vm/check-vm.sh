#!/bin/bash
# SPDX-License-Identifier: MIT
# End-to-end tests of the installed forkstop service in a throwaway qemu VM whose PID 1 is
# systemd on a pure cgroup v2 hierarchy; the entry point of `make check-vm`. Run as root from
# the top of the source tree.
#
# Environment:
#   FORKSTOP_VM_DIR=/var/tmp/forkstop-vm  image cache; rebuilt when the recipe changes
#   FORKSTOP_VM_REBUILD=1   rebuild the image now
#   FORKSTOP_VM_TIMEOUT=1500  seconds for one boot + suite + power-off
#   FORKSTOP_VM_CPUS=2  FORKSTOP_VM_MEM=3072 (MiB)
#   FORKSTOP_VM_ACCEL=auto|kvm|tcg   auto takes kvm only with vmx/svm and kvm_intel/kvm_amd
#   FORKSTOP_VM_ONLY=REGEX  run only the checks whose group name matches (see tests/vm/e2e.sh)
#   FORKSTOP_VM_BREAK=1     break the installed service on purpose (config action=log);
#                           2: the daemon exits at once. The suite must then fail.
#   FORKSTOP_VM_STAGE=DIR   boot with this staged tree instead of `make install DESTDIR=`
#   FORKSTOP_VM_KEEP=1      keep the run folder even when everything passed
# Exit status: the suite's; 124 timed out; 125 the VM gave no result; 126 host set-up failed.
set -euo pipefail

top=$(pwd)
here=$top/tests/vm
build=${BUILD:-build}
dir=${FORKSTOP_VM_DIR:-/var/tmp/forkstop-vm}
timeout_s=${FORKSTOP_VM_TIMEOUT:-1500}
cpus=${FORKSTOP_VM_CPUS:-2}
mem=${FORKSTOP_VM_MEM:-3072}

say() { echo "check-vm: $*" >&2; }
die() { say "$*"; exit 126; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chroot, qemu)"
[ -f "$here/e2e.sh" ] || die "run from the top of the forkstop tree"
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

# ------------------------------------------------------------------ host packages
missing=()
command -v qemu-system-x86_64 > /dev/null || missing+=(qemu-system-x86)
command -v mmdebstrap > /dev/null || missing+=(mmdebstrap)
command -v mkfs.ext4 > /dev/null || missing+=(e2fsprogs)
command -v xz > /dev/null || missing+=(xz-utils)
if [ ${#missing[@]} -gt 0 ]; then
        t=$(now)
        say "installing ${missing[*]}"
        { apt-get update && DEBIAN_FRONTEND=noninteractive \
                apt-get install -y --no-install-recommends "${missing[@]}"; } > "$dir/apt.log" 2>&1 ||
                { tail -n 20 "$dir/apt.log" >&2; die "could not install ${missing[*]}"; }
        say "timing: host packages $(since "$t") s"
fi

# ------------------------------------------------------------------ image
# The recipe id is the builder's own text: editing it rebuilds the image on the next run.
recipe=$(sha256sum "$here/build-image.sh" | cut -c1-16)
if [ -n "${FORKSTOP_VM_REBUILD:-}" ] || [ "$(cat "$dir/stamp" 2>/dev/null)" != "$recipe" ]; then
        t=$(now)
        FORKSTOP_VM_RECIPE=$recipe "$here/build-image.sh" "$dir" || die "image build failed"
        say "timing: image build $(since "$t") s ($(du -sh "$dir/root.img" | cut -f1) in $dir)"
fi

# ------------------------------------------------------------------ run folder
run=$(mktemp -d "${TMPDIR:-/tmp}/forkstop-vm.XXXXXX")
if [ -n "${FORKSTOP_VM_STAGE:-}" ]; then
        [ -d "$FORKSTOP_VM_STAGE" ] || die "FORKSTOP_VM_STAGE is not a directory"
        cp -a "$FORKSTOP_VM_STAGE/." "$run/stage/" 2> /dev/null ||
                { mkdir -p "$run/stage" && cp -a "$FORKSTOP_VM_STAGE/." "$run/stage/"; }
else
        make --no-print-directory -s install DESTDIR="$run/stage" PREFIX=/usr BUILD="$build" \
                > "$run/install.log" 2>&1 || { cat "$run/install.log" >&2; die "make install failed"; }
fi
# The bomb programs: sources and scripts from tests/workloads, binaries from the build.
mkdir -p "$run/workloads"
helpers=()
for c in "$top"/tests/workloads/*.c; do
        [ -e "$c" ] && helpers+=("$build/workloads/$(basename "$c" .c)")
done
if [ ${#helpers[@]} -gt 0 ]; then
        make --no-print-directory -s BUILD="$build" "${helpers[@]}" > "$run/make.log" 2>&1 ||
                { cat "$run/make.log" >&2; die "building the workloads failed"; }
fi
find "$top/tests/workloads" -maxdepth 1 -type f ! -name '*.c' ! -name '*.h' \
        -exec cp -p {} "$run/workloads/" \;
[ -d "$build/workloads" ] && find "$build/workloads" -maxdepth 1 -type f ! -name '*.d' \
        -exec cp -p {} "$run/workloads/" \;
mkdir -p "$run/suite"
cp -p "$here"/*.sh "$here"/*.py "$run/suite/"
{
        printf 'FORKSTOP_VM_BREAK=%q\n' "${FORKSTOP_VM_BREAK:-}"
        printf 'FORKSTOP_VM_ONLY=%q\n' "${FORKSTOP_VM_ONLY:-}"
} > "$run/env"

# ------------------------------------------------------------------ boot
accel=${FORKSTOP_VM_ACCEL:-auto}
if [ "$accel" = auto ]; then
        accel=tcg
        # A /dev/kvm backed by something else (PVM here) cannot boot a stock kernel.
        if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo &&
                { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; }; then
                accel=kvm
        fi
fi
case $accel in
kvm) accel_args=(-accel kvm -cpu host) ;;
tcg) accel_args=(-accel "tcg,thread=multi" -cpu max) ;;
*) die "FORKSTOP_VM_ACCEL must be auto, kvm or tcg" ;;
esac
kernel=$dir/vmlinux
[ -f "$kernel" ] || kernel=$dir/vmlinuz

# Boots once; leaves the guest's status in $run/rc and returns qemu's (timeout's) status.
boot_once() {
        rm -f "$run/rc" "$run/started" "$run/out.log" "$run/journal.txt"
        : > "$run/out.log"
        timeout -k 10 "$timeout_s" qemu-system-x86_64 "${accel_args[@]}" -smp "$cpus" -m "$mem" \
                -nodefaults -no-user-config -display none -no-reboot \
                -serial "file:$run/console.log" \
                -kernel "$kernel" -initrd "$dir/initrd.img" \
                -append "console=ttyS0 root=/dev/vda rw quiet panic=-1 systemd.unified_cgroup_hierarchy=1" \
                -drive "file=$dir/root.img,if=virtio,format=raw,snapshot=on" \
                -virtfs "local,path=$run,mount_tag=fsvm,security_model=none,id=fsvm" \
                > "$run/qemu.log" 2>&1 &
        local qemu=$! status=0
        # Stream the suite's output while it runs.
        tail -s 0.5 --pid="$qemu" -n +1 -F "$run/out.log" 2> /dev/null &
        local follower=$!
        trap 'kill "$qemu" "$follower" 2> /dev/null; exit 130' INT TERM
        wait "$qemu" || status=$?
        wait "$follower" 2> /dev/null || true
        trap - INT TERM
        return "$status"
}

rc=125
for attempt in 1 2; do
        say "booting (attempt $attempt): accel=$accel cpus=$cpus mem=${mem}M run folder $run"
        t=$(now)
        qrc=0
        boot_once || qrc=$?
        total=$(since "$t")
        if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
                rc=124
                say "timed out after $timeout_s s; console tail:"
                tail -n 20 "$run/console.log" >&2
        elif [ ! -s "$run/rc" ]; then
                rc=125
                say "the VM gave no result (qemu status $qrc); qemu and console tail:"
                cat "$run/qemu.log" >&2
                tail -n 30 "$run/console.log" >&2
        else
                rc=$(cat "$run/rc")
        fi
        if [ -f "$run/started" ]; then
                started=$(stat -c %.3Y "$run/started")
                boot=$(awk -v a="$t" -v b="$started" 'BEGIN { printf "%.1f", b - a }')
                suite=$(awk -v b="$started" -v c="$(stat -c %.3Y "$run/out.log")" \
                        'BEGIN { printf "%.1f", c - b }')
                say "timing: boot to suite $boot s, suite $suite s, total $total s (accel $accel)"
        else
                say "timing: total $total s (accel $accel), the suite never started"
        fi
        [ "$rc" = 124 ] || [ "$rc" = 125 ] || break
done

if [ "$rc" != 0 ] && [ -s "$run/journal.txt" ]; then
        say "the guest's journal (journalctl -b):"
        cat "$run/journal.txt"
        say "end of the guest's journal; status $rc"
elif [ "$rc" != 0 ] && [ -s "$run/heartbeat.txt" ]; then
        say "the guest's last heartbeat (state and journal tail):"
        cat "$run/heartbeat.txt"
        say "end of the heartbeat; status $rc"
fi
if [ "$rc" = 0 ] && [ -z "${FORKSTOP_VM_KEEP:-}" ]; then
        rm -rf "$run"
else
        say "run folder kept: $run"
fi
exit "$rc"
