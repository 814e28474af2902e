#!/usr/bin/env bash
# End-to-end check of -p:ThreadWiseTrackMonitor=true with the packed ThreadWise package: a test project whose product
# code lives in a referenced project (which does not reference ThreadWise) takes two locks in both orders with plain
# `lock` statements, in the product and in the test itself. With the switch and the environment variable, both tests
# fail with the validator's LockOrderViolationException; without the switch (built incrementally in the same folder,
# so a stale rewritten assembly would show) they pass; with it again they fail again.
# Usage: build/track-monitor-check.sh <feed folder> <ThreadWise version> <work folder>
set -euo pipefail
feed="$1"; version="$2"; work="$3"
app="$work/trackmonitor"
nupkg="$feed/ThreadWise.$version.nupkg"
files=$(unzip -Z1 "$nupkg")
for f in buildTransitive/ThreadWise.targets tasks/netstandard2.0/ThreadWise.Build.dll tasks/netstandard2.0/Mono.Cecil.dll tasks/netstandard2.0/THIRD-PARTY-NOTICES.txt; do
  echo "$files" | grep -qx "$f" || { echo "$nupkg lacks $f"; echo "$files"; exit 1; }
done
if unzip -p "$nupkg" ThreadWise.nuspec | grep -qiE 'id="(Mono\.Cecil|ThreadWise\.Build|Microsoft\.Build)'; then
  echo "the ThreadWise package leaks its build task's dependencies:"; unzip -p "$nupkg" ThreadWise.nuspec; exit 1
fi
rm -rf "$app"
mkdir -p "$app/Product" "$app/Product.Tests"
cat > "$app/nuget.config" <<XML
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$feed" />
    <add key="nuget" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > "$app/Product/Product.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
  </PropertyGroup>
</Project>
XML
cat > "$app/Product/Bank.cs" <<'CS'
namespace Product;

public sealed class Bank
{
    private readonly object _accounts = new();
    private readonly object _audit = new();

    public int Transfer()
    {
        lock (_accounts)
        {
            lock (_audit)
            {
                return 1;
            }
        }
    }

    public int Report()
    {
        lock (_audit)
        {
            lock (_accounts)
            {
                return 2;
            }
        }
    }
}
CS
cat > "$app/Product.Tests/Product.Tests.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <IsPackable>false</IsPackable>
    <NoWarn>\$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
    <PackageReference Include="xunit" Version="2.9.3" />
    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" PrivateAssets="all" />
    <PackageReference Include="ThreadWise" Version="$version" />
  </ItemGroup>
  <ItemGroup>
    <ProjectReference Include="../Product/Product.csproj" />
  </ItemGroup>
</Project>
XML
cat > "$app/Product.Tests/BankTests.cs" <<'CS'
using Xunit;

public sealed class BankTests
{
    // One thread, no deadlock on this run: only the validator can see that the two methods take the locks in
    // opposite orders.
    [Fact]
    public void TransferThenReport() => Assert.Equal(3, new Product.Bank().Transfer() + new Product.Bank().Report() + SameBank());

    private static int SameBank()
    {
        var bank = new Product.Bank();
        return bank.Transfer() + bank.Report() - 3;
    }

    [Fact]
    public void OwnLocksInBothOrders()
    {
        object left = new(), right = new();
        lock (left) { lock (right) { } }
        lock (right) { lock (left) { } }
    }
}
CS
export NUGET_PACKAGES="$work/packages"
run() {
  local label="$1" expect="$2"; shift 2
  local log="$app/$label.log" rc=0
  dotnet test "$app/Product.Tests/Product.Tests.csproj" "$@" > "$log" 2>&1 || rc=$?
  if [ "$expect" = fail ]; then
    [ "$rc" -ne 0 ] || { cat "$log"; echo "$label: the tests passed; the lock-order inversions were not reported"; exit 1; }
    for test in TransferThenReport OwnLocksInBothOrders; do
      grep -q "Failed BankTests.$test" "$log" || { cat "$log"; echo "$label: $test did not fail"; exit 1; }
    done
    [ "$(grep -c 'ThreadWise.LockOrderViolationException' "$log")" -ge 2 ] || { cat "$log"; echo "$label: no LockOrderViolationException"; exit 1; }
  else
    [ "$rc" -eq 0 ] || { cat "$log"; echo "$label: the tests failed (rc $rc) without the switch"; exit 1; }
    if grep -q 'LockOrderViolation' "$log"; then cat "$log"; echo "$label: a violation was reported without the switch"; exit 1; fi
  fi
  echo "$label: as expected ($expect)"
}
run with-switch fail -p:ThreadWiseTrackMonitor=true -e THREADWISE_LOCK_ORDER_VALIDATION=1
# Both routes ran: the test project's own assembly in place, and its copy of the referenced product assembly.
for dll in Product.Tests/obj/Debug/net10.0/Product.Tests.dll Product/bin/Debug/net10.0/Product.dll; do
  grep -q "ThreadWise: $app/$dll: 8 Monitor call(s) now go through ThreadWise.TrackedMonitor" "$app/with-switch.log" \
    || { cat "$app/with-switch.log"; echo "no rewrite of $dll reported"; exit 1; }
done
run without-switch pass -e THREADWISE_LOCK_ORDER_VALIDATION=1
run with-switch-again fail -p:ThreadWiseTrackMonitor=true -e THREADWISE_LOCK_ORDER_VALIDATION=1
# The product project's own output is never rewritten: only the test project's copy of it is.
if grep -q 'ThreadWise' "$app/Product/bin/Debug/net10.0/Product.deps.json"; then echo "the product's own build was changed"; exit 1; fi
python3 - "$app" <<'PY'
import sys, pathlib
app = pathlib.Path(sys.argv[1])
original = (app / "Product/bin/Debug/net10.0/Product.dll").read_bytes()
copy = (app / "Product.Tests/bin/Debug/net10.0/Product.dll").read_bytes()
if b"TrackedMonitor" in original:
    sys.exit("the product project's own Product.dll was rewritten")
if b"TrackedMonitor" not in copy:
    sys.exit("the test output's Product.dll does not call TrackedMonitor")
print("Product.dll: original untouched, the test output's copy calls TrackedMonitor")
PY
echo "ThreadWiseTrackMonitor: plain lock statements reported with the switch, nothing without it"
