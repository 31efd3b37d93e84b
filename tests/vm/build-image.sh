#!/bin/bash
# SPDX-License-Identifier: MIT
# Builds the Debian 12 disk image, kernel and initrd that tests/vm/check-vm.sh boots.
#
# usage: tests/vm/build-image.sh DIR
# Writes DIR/root.img (ext4, opened read-only by qemu with snapshot=on), DIR/vmlinux (or
# DIR/vmlinuz when the ELF kernel cannot be extracted), DIR/initrd.img and, last, DIR/stamp
# holding the recipe id given in $FORKSTOP_VM_RECIPE. Logs go to DIR/build.log.
# Everything comes from Debian packages through mmdebstrap; nothing is compiled.
set -euo pipefail

dir=$1
recipe=${FORKSTOP_VM_RECIPE:?}
suite=bookworm

# Runtime of the daemon (libsystemd0, libcgroup2, libinih1), of the guest suite (python3 for
# the bombs and JSON, make for the parallel build) and of systemd-analyze's comparison unit.
packages=systemd,systemd-sysv,dbus,procps,kmod,busybox-static
packages+=,libsystemd0,libcgroup2,libinih1
packages+=,python3,make,systemd-oomd

say() { echo "check-vm: $*" >&2; }

rootfs=$dir/rootfs
rm -rf "$rootfs" "$dir/stamp" "$dir/root.img" "$dir/vmlinux" "$dir/vmlinuz" "$dir/initrd.img"
mkdir -p "$dir/debs"

# Runs on the host after the packages are in, with $1 = the root file system.
cat > "$dir/customize.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
r=$1

# The kernel linux-image-amd64 points to, unpacked without its maintainer scripts: no
# initramfs-tools run, the initrd is our own.
kpkg=$(chroot "$r" apt-cache depends linux-image-amd64 |
       sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1)
[ -n "$kpkg" ] || { echo "no kernel package found" >&2; exit 1; }
chroot "$r" sh -c "cd /var/cache/apt/archives && { ls ${kpkg}_*.deb >/dev/null 2>&1 ||
                   apt-get download -q $kpkg; }" >/dev/null
deb=$(ls "$r"/var/cache/apt/archives/"$kpkg"_*.deb | head -n1)
dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$r" ./boot ./lib/modules
chroot "$r" depmod -a "${kpkg#linux-image-}"

echo forkstop-vm > "$r/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tforkstop-vm\n' > "$r/etc/hosts"
echo '# / is mounted by the initrd' > "$r/etc/fstab"
# A fixed machine id: systemd sees no first boot and asks nothing.
echo 5d1c0a7e3b8f4c2a9e6d0b1f2a3c4d5e > "$r/etc/machine-id"
chroot "$r" passwd -d root >/dev/null
# The unprivileged user the suite runs user.slice bombs as.
chroot "$r" useradd -m -u 1000 -s /bin/bash fsuser
mkdir -p "$r/mnt/fsvm"

# The boot-time runner: everything else comes from the host's run folder, so changing the
# suite needs no new image.
cat > "$r/usr/local/sbin/fsvm-boot" <<'EOS'
#!/bin/sh
# Mounts the host's run folder, runs its guest-run.sh, records status and journal, powers off.
d=/mnt/fsvm
uptime_s() { cut -d' ' -f1 /proc/uptime; }
echo "fsvm: userspace up at $(uptime_s) s"
rc=125
if mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none fsvm "$d"; then
        uptime_s > "$d/started"
        rc=0
        (cd "$d" && exec /bin/bash "$d/suite/guest-run.sh") > "$d/out.log" 2>&1 < /dev/null || rc=$?
        journalctl -b --no-pager > "$d/journal.txt" 2>&1
        echo "$rc" > "$d/rc"
        sync
else
        echo "fsvm: cannot mount the run folder" >&2
fi
echo "fsvm: status $rc at $(uptime_s) s"
systemctl poweroff --no-block
EOS
chmod 755 "$r/usr/local/sbin/fsvm-boot"

cat > "$r/etc/systemd/system/fsvm-boot.service" <<'EOS'
[Unit]
Description=forkstop VM test run
After=multi-user.target

[Service]
Type=exec
ExecStart=/usr/local/sbin/fsvm-boot
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity
TasksMax=infinity
OOMScoreAdjust=-900

[Install]
WantedBy=multi-user.target
EOS
ln -s /etc/systemd/system/fsvm-boot.service \
        "$r/etc/systemd/system/multi-user.target.wants/fsvm-boot.service"

# No udev, so no ttyS0 device unit and no serial getty; no timers, no oomd running.
ln -sf /dev/null "$r/etc/systemd/system/serial-getty@ttyS0.service"
ln -sf /dev/null "$r/etc/systemd/system/getty@tty1.service"
find "$r/etc/systemd/system" -type l \( -name '*.timer' -o -name 'e2scrub_reap.service' \
        -o -name 'systemd-oomd.service' -o -name 'systemd-oomd.socket' \) -delete
EOF
chmod 755 "$dir/customize.sh"

say "building the root file system ($suite: $packages)"
mmdebstrap --variant=minbase --include="$packages" \
        --aptopt='APT::Install-Recommends "false"' \
        --aptopt='Acquire::Check-Valid-Until "false"' \
        --dpkgopt='path-exclude=/usr/share/man/*' \
        --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' \
        --setup-hook='mkdir -p "$1/var/cache/apt/archives"' \
        --setup-hook="sync-in $dir/debs /var/cache/apt/archives/" \
        --customize-hook="$dir/customize.sh \"\$1\"" \
        --customize-hook="sync-out /var/cache/apt/archives $dir/debs" \
        --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
        --skip=download/empty \
        "$suite" "$rootfs" > "$dir/build.log" 2>&1 ||
        { tail -n 30 "$dir/build.log" >&2; say "mmdebstrap failed, see $dir/build.log"; exit 1; }

# The initrd: static busybox and the modules needed to reach /dev/vda. Debian's own initrd
# would bring udev, which costs seconds per boot under emulation.
kver=$(ls "$rootfs/lib/modules" | head -n1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/dev" "$work/proc" "$work/root" "$work/modules"
cp "$rootfs/bin/busybox" "$work/bin/busybox"
chroot "$rootfs" modprobe -S "$kver" --show-depends -a virtio_pci virtio_blk ext4 |
        awk '$1 == "insmod" { print $2 }' | while read -r m; do
        b=${m##*/}
        [ -e "$work/modules/$b" ] && continue
        cp "$rootfs$m" "$work/modules/$b"
        echo "$b" >> "$work/modules/load-order"
done
cat > "$work/init" <<'EOF'
#!/bin/busybox sh
bb=/bin/busybox
$bb mount -t devtmpfs dev /dev
$bb mount -t proc proc /proc
for m in $($bb cat /modules/load-order); do $bb insmod /modules/$m 2>/dev/null; done
n=0
until [ -b /dev/vda ] || [ $n -ge 300 ]; do $bb sleep 0.05; n=$((n + 1)); done
$bb mount -t ext4 /dev/vda /root || { echo "initrd: /dev/vda does not mount"; $bb poweroff -f; }
$bb umount /proc
$bb mount --move /dev /root/dev
exec $bb switch_root /root /sbin/init
EOF
chmod 755 "$work/init"
(cd "$work" && find . | ./bin/busybox cpio -o -H newc -R 0:0 2>/dev/null) > "$dir/initrd.img"

# qemu boots an ELF kernel with a PVH note directly; pulling vmlinux out of the bzImage skips
# its self-decompression, seconds under emulation. Keep the bzImage as the fallback.
cp "$rootfs"/boot/vmlinuz-"$kver" "$dir/vmlinuz"
at=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$dir/vmlinuz" | head -n1 | cut -d: -f1 || true)
if [ -n "$at" ]; then
        # xz complains about the data after the stream; the ELF check below decides.
        tail -c +"$((at + 1))" "$dir/vmlinuz" | xz -dc > "$dir/vmlinux" 2>/dev/null || true
        [ "$(head -c 4 "$dir/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
                rm -f "$dir/vmlinux"
fi

# Sparse ext4 image with 1 GiB free, filled from the directory without a loop mount.
size_mb=$(( $(du -sm "$rootfs" | cut -f1) + 1024 ))
mkfs.ext4 -q -F -L fsvm-root -d "$rootfs" "$dir/root.img" "${size_mb}M"
rm -rf "$rootfs"
echo "$recipe" > "$dir/stamp"
