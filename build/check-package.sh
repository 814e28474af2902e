#!/usr/bin/env bash
# Checks the file list of the ThreadWise.Analyzers package: both DLLs under analyzers/dotnet/cs, the MSBuild files,
# no lib/, no dependencies.
set -euo pipefail
nupkg="$1"
list=$(unzip -Z1 "$nupkg" | grep -vE '^(_rels/|package/|\[Content_Types\]\.xml$)' | sort)
expected=$(printf '%s\n' \
  README.md \
  ThreadWise.Analyzers.nuspec \
  analyzers/dotnet/cs/ThreadWise.Analyzers.dll \
  analyzers/dotnet/cs/ThreadWise.CodeFixes.dll \
  build/ThreadWise.Analyzers.props \
  build/ThreadWise.Analyzers.targets \
  buildTransitive/ThreadWise.Analyzers.props \
  buildTransitive/ThreadWise.Analyzers.targets | sort)
if [ "$list" != "$expected" ]; then
  echo "unexpected package content in $nupkg:"
  diff <(echo "$expected") <(echo "$list") || true
  exit 1
fi
nuspec=$(unzip -p "$nupkg" ThreadWise.Analyzers.nuspec)
echo "$nuspec" | grep -q '<developmentDependency>true</developmentDependency>' || { echo "not a development dependency"; exit 1; }
if echo "$nuspec" | grep -q '<dependency '; then echo "the package leaks dependencies:"; echo "$nuspec"; exit 1; fi
echo "package content ok: $nupkg"
