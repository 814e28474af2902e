#!/usr/bin/env bash
# Regenerates the README rule table from the analyzers' descriptors (the same test that fails in CI when it is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
THREADWISE_UPDATE_DOCS=1 dotnet test tests/ThreadWise.Analyzers.Tests --filter "FullyQualifiedName~ReadmeTableTests" -v q
