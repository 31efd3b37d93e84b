#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs every integration test (test-*.sh, or those named as arguments) on real cgroups against a
# real forkstopd and ends with "N passed, N failed[, N skipped]". Exits non-zero on any failure;
# under CI=true a skip counts as a failure. Needs root. FST_ONLY="name ..." selects cases.
cd "$(dirname "$0")" || exit 1
export FST_RESULTS
FST_RESULTS=$(mktemp /tmp/fst-results.XXXXXX)
trap 'rm -f "$FST_RESULTS"' EXIT

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test-*.sh)
for t in "${tests[@]}"; do
        echo "== $t"
        before=$(wc -l < "$FST_RESULTS")
        ./"$t"
        rc=$?
        # A test that died without recording its result still counts.
        if [ "$rc" != 0 ] && ! tail -n +$((before + 1)) "$FST_RESULTS" | grep -q '^FAIL '; then
                echo "FAIL: $t: exited with $rc"
                echo "FAIL $t" >> "$FST_RESULTS"
        fi
done

passed=$(grep -c '^PASS ' "$FST_RESULTS")
failed=$(grep '^FAIL ' "$FST_RESULTS" | sort -u | wc -l)
skipped=$(grep -c '^SKIP ' "$FST_RESULTS")
if [ "$skipped" -gt 0 ]; then
        echo "$passed passed, $failed failed, $skipped skipped"
else
        echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ] || exit 1
if [ "$skipped" -gt 0 ] && [ "${CI:-}" = true ]; then
        echo "CI=true: skipped tests count as failures"
        exit 1
fi
exit 0
