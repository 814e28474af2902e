#!/usr/bin/env bash
# The command-line promise, checked for real: copy the samples (and the analyzers they load from source) to a temporary
# directory, run `dotnet format analyzers` once over samples/Samples.sln for every rule at once, then check that
#   1. every report with a fix was fixed: what the build still reports is exactly the markers flagged `no-fix`
#      (`// expect: TW#### no-fix (reason)`); a `no-fix-here` marker has no fix at its own site but goes away when
#      another site is fixed (the other half of a lock-order cycle), so it must be gone too;
#   2. the fixed samples build;
#   3. `dotnet format analyzers --verify-no-changes` after the fix run has nothing left but the no-fix reports (it counts
#      every report of a rule with a code fix as pending, so with no-fix markers present it exits 2 listing exactly those).
# Usage: build/format-check.sh  (from anywhere; exits non-zero with the reason on failure)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
# Every shipped rule (one docs page each; a meta-test keeps pages and descriptors in step).
rules=$(cd "$repo/docs/rules" && ls TW*.md | sed 's/\.md$//' | tr '\n' ' ')
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "format-check: copying the samples and sources to $work"
(cd "$repo" && tar --exclude=bin --exclude=obj -cf - src samples Directory.Build.props Directory.Packages.props global.json .editorconfig) | tar -xf - -C "$work"
sln="$work/samples/Samples.sln"

# Reports of a build as "path:line: ID" (paths relative to samples/), one per line, sorted and unique.
reports() {
  { grep -oE '[^ ]+\.cs\([0-9]+,[0-9]+\): warning TW[0-9]{4}' "$1" || true; } |
    sed -E "s#^$work/samples/##; s#\(([0-9]+),[0-9]+\): warning (TW[0-9]{4})#:\1: \2#" | sort -u
}

# Markers as "path:line: ID" for flags matching $1 (an extended regex over the text after the IDs).
markers() {
  (cd "$work/samples" && grep -rnE --include='*.cs' '//[[:space:]]*expect:' . || true) | python3 -c '
import re, sys
want = re.compile(sys.argv[1])
marker = re.compile(r"//\s*expect:\s*(?P<ids>TW[0-9]{4}(\s*,\s*TW[0-9]{4})*)(?P<flags>.*)$")
for row in sys.stdin:
    path, line, text = row.rstrip("\n").split(":", 2)
    m = marker.search(text)
    if m and want.search(m.group("flags")):
        for rule in m.group("ids").split(","):
            print(f"{path[2:]}:{line}: {rule.strip()}")
' "$1" | sort -u
}

echo "format-check: building the samples (the analyzers from source)"
dotnet build "$sln" -nologo -v q -clp:NoSummary > "$work/before.log" || { cat "$work/before.log"; echo "format-check: the samples do not build"; exit 1; }
before=$(reports "$work/before.log" | wc -l)
[ "$before" -gt 0 ] || { echo "format-check: the samples report nothing before the fix run"; exit 1; }

echo "format-check: dotnet format analyzers --diagnostics $rules"
# shellcheck disable=SC2086
dotnet format analyzers "$sln" --diagnostics $rules --no-restore -v q

echo "format-check: rebuilding the fixed samples"
dotnet build "$sln" -nologo -v q -clp:NoSummary --no-incremental > "$work/after.log" || { cat "$work/after.log"; echo "format-check: the fixed samples do not build"; exit 1; }
reports "$work/after.log" > "$work/left.txt"
markers 'no-fix([^-]|$)' > "$work/nofix.txt"
if ! diff -u "$work/nofix.txt" "$work/left.txt"; then
  echo "format-check: after the fix run, the reports left (+) differ from the markers flagged no-fix (-)"
  exit 1
fi

echo "format-check: dotnet format analyzers --verify-no-changes"
# dotnet format counts every report of a rule that has a code fix as a pending change, whether or not the fix can do
# anything there; so after the fix run it must list exactly the no-fix reports (exit 2), or nothing at all (exit 0).
set +e
# shellcheck disable=SC2086
dotnet format analyzers "$sln" --diagnostics $rules --no-restore --verify-no-changes -v q > "$work/verify.log" 2>&1
rc=$?
set -e
reports "$work/verify.log" > "$work/pending.txt"
expected_rc=0
[ -s "$work/nofix.txt" ] && expected_rc=2
if [ "$rc" -ne "$expected_rc" ] || ! diff -u "$work/nofix.txt" "$work/pending.txt"; then
  cat "$work/verify.log"
  echo "format-check: --verify-no-changes after the fix run exited $rc (expected $expected_rc) or listed other reports (+) than the no-fix markers (-)"
  exit 1
fi

echo "format-check: OK — $before reports before the fix run; left: $(wc -l < "$work/left.txt"), each flagged no-fix; --verify-no-changes lists only those"
