#!/bin/bash
# SPDX-License-Identifier: MIT
# Legitimate burst: make -j48 over 150 targets, each compiling a tiny C file (gcc, else cc).
set -e
cc=$(command -v gcc || command -v cc)
dir=$(mktemp -d /tmp/fst-legit-make.XXXXXX)
trap 'rm -rf "$dir"' EXIT
objs=
for i in $(seq 1 150); do
        printf 'int f%d(int x) { return x * %d; }\n' "$i" "$i" > "$dir/t$i.c"
        objs="$objs t$i.o"
done
printf 'all:%s\n%%.o: %%.c\n\t%s -O0 -c -o $@ $<\n' "$objs" "$cc" > "$dir/Makefile"
make -s -j48 -C "$dir" all
