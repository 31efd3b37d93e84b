# SPDX-License-Identifier: MIT
# Sourced by the shell bombs: exit 3 unless a pids.max <= 4096 holds this shell (builtins only).

fst_require_limit() {
        local line rel="" root="" dir v best="" ctrls opts mnt fstype rest
        while IFS= read -r line; do
                ctrls=${line#*:}; ctrls=${ctrls%%:*}
                case ",$ctrls," in *,pids,*) rel=${line#*:*:}; root=pids; break ;; esac
                case $line in 0::*) rel=${line#0::} ;; esac
        done < /proc/self/cgroup
        while read -r _ _ _ _ mnt rest; do
                fstype=${rest#* - }; opts=${fstype##* }; fstype=${fstype%% *}
                if [ "$root" = pids ]; then
                        [ "$fstype" = cgroup ] || continue
                        case ",$opts," in *,pids,*) root=$mnt; break ;; esac
                elif [ "$fstype" = cgroup2 ]; then
                        root=$mnt; break
                fi
        done < /proc/self/mountinfo
        [ "$rel" = / ] && rel=
        dir=$root$rel
        while [ -n "$root" ] && [ "${#dir}" -ge "${#root}" ]; do
                if [ -r "$dir/pids.max" ]; then
                        read -r v < "$dir/pids.max"
                        case $v in
                        [0-9]*) if [ -z "$best" ] || [ "$v" -lt "$best" ]; then best=$v; fi ;;
                        esac
                fi
                [ "$dir" = "$root" ] && break
                dir=${dir%/*}
        done
        if [ -z "$best" ] || [ "$best" -gt 4096 ]; then
                echo "${0##*/}: refusing to run: no pids.max <= 4096 holds this process" >&2
                exit 3
        fi
}
