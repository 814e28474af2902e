#!/usr/bin/env bash
# The HTML report (`threadwise analyze … --html FILE`) in a real browser, as issue 17 asks: installs headless Chromium
# from the distribution's packages when it is missing, writes the report on the TW0004 and TW0001 samples (analyzed
# in-process by tests/ThreadWise.Cli.Tests, HtmlReportSampleTests), loads it in headless Chromium, checks the rendered
# DOM (the lock-order SVG shows the cycles' locks, red cycle edges, the page script ran) and the console (no script
# errors), and takes the README's screenshot. Usage: build/html-check.sh [screenshot.png] (default docs/images/report.png).
set -euo pipefail
cd "$(dirname "$0")/.."
shot=${1:-docs/images/report.png}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v chromium >/dev/null 2>&1; then
  echo "html-check: installing chromium (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

browse() { # browse <extra args…> <url>: headless Chromium, console messages on stderr
  chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 --virtual-time-budget=3000 "$@"
}
script_errors() { grep -E 'CONSOLE.*(Uncaught|Error)|Uncaught [A-Za-z]*Error' "$1" || true; }

# The console check must be able to fail: a page with a broken script has to be caught.
printf '<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>' > "$work/broken.html"
browse --dump-dom "file://$work/broken.html" > /dev/null 2> "$work/broken.log" || true
if [ -z "$(script_errors "$work/broken.log")" ]; then
  echo "html-check: the console check does not see script errors (Chromium's logging changed?):"; cat "$work/broken.log"; exit 1
fi

echo "html-check: writing the report on the samples"
THREADWISE_HTML_OUT="$work/report.html" dotnet test tests/ThreadWise.Cli.Tests --filter "FullyQualifiedName~HtmlReportSampleTests" -v q --nologo
[ -s "$work/report.html" ] || { echo "html-check: the report was not written"; exit 1; }

echo "html-check: loading it in $(chromium --version 2>/dev/null | head -1)"
browse --dump-dom "file://$work/report.html" > "$work/dom.html" 2> "$work/console.log"
errors=$(script_errors "$work/console.log")
if [ -n "$errors" ]; then
  echo "html-check: script errors in the report:"; echo "$errors"; exit 1
fi

python3 - "$work/dom.html" <<'PY'
import re, sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.locks, self.edges, self.cycle_edges, self.ready, self.svgs = [], [], 0, 0, False, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "body" and a.get("data-script") == "ready":
            self.ready = True
        if tag == "svg" and "lockgraph" in cls:
            self.svgs += 1
        if tag == "g" and "edge" in cls:
            self.edges += 1
            self.cycle_edges += "cycle" in cls
        self.stack.append((tag, cls))
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass
    def handle_data(self, data):
        inside_lock = any(t == "g" and "lock" in c for t, c in self.stack)
        if inside_lock and self.stack and self.stack[-1][0] == "text":
            self.locks.append(data.strip())

dom = Dom()
dom.feed(open(sys.argv[1], encoding="utf-8").read())
expected = {"BuggyBank._ledger", "BuggyBank._audit", "from.Sync", "to.Sync"}
problems = []
if not dom.ready:
    problems.append("the page script did not run to its end (body[data-script=ready] missing)")
if dom.svgs != 1:
    problems.append(f"expected one lock-order SVG, found {dom.svgs}")
if not expected <= set(dom.locks):
    problems.append(f"lock nodes {sorted(dom.locks)} lack {sorted(expected - set(dom.locks))}")
if dom.edges < 4 or dom.cycle_edges != dom.edges:
    problems.append(f"expected every edge red (on a cycle): {dom.cycle_edges} of {dom.edges}")
if problems:
    sys.exit("html-check: " + "; ".join(problems))
print(f"html-check: rendered DOM shows locks {sorted(dom.locks)}, {dom.cycle_edges} red cycle edges, script ran, no console errors")
PY

mkdir -p "$(dirname "$shot")"
browse --hide-scrollbars --window-size=1400,2000 --screenshot="$shot" "file://$work/report.html" 2> "$work/shot.log"
[ -s "$shot" ] || { echo "html-check: no screenshot written"; cat "$work/shot.log"; exit 1; }
echo "html-check: screenshot $shot"
