namespace ThreadWise.Cli.Html;

/// <summary>The report's inline style sheet and script (the page loads nothing else).</summary>
internal static class ReportAssets
{
    public const string Css = """
        :root { --red: #c62828; --grey: #6b7280; --line: #e5e7eb; --hit: #fff3b0; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2937; }
        body { margin: 0 auto; max-width: 1300px; padding: 16px 24px 48px; line-height: 1.4; }
        h1 { margin: 0 0 4px; font-size: 26px; } h2 { margin-top: 32px; border-bottom: 2px solid var(--line); padding-bottom: 4px; } h3 { margin: 20px 0 8px; }
        .target { margin: 0 0 12px; color: var(--grey); font-family: ui-monospace, monospace; word-break: break-all; }
        .totals { display: flex; flex-wrap: wrap; gap: 12px; margin: 0; }
        .totals div { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
        .totals dt { font-size: 12px; color: var(--grey); } .totals dd { margin: 0; font-weight: 600; }
        .summary { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 28px; }
        .summary h2 { margin-top: 20px; } .summary table { font-size: 13px; } .summary td { padding: 2px 8px; }
        table { border-collapse: collapse; width: 100%; font-size: 14px; }
        th, td { border-bottom: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
        td.n, th.n { text-align: right; } tr.none { color: var(--grey); }
        a { color: #1d4ed8; } .help { font-size: 13px; }
        .legend { color: #374151; font-size: 14px; } .red { color: var(--red); font-weight: 600; }
        .cycle-text { color: var(--red); font-weight: 600; margin: 4px 0; }
        .graph { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fcfcfd; }
        svg.lockgraph { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        svg.lockgraph .lock rect { fill: #fff; stroke: #374151; stroke-width: 1.5; }
        svg.lockgraph .lock.cycle rect { stroke: var(--red); stroke-width: 2.5; fill: #fff5f5; }
        svg.lockgraph .lock text { font-size: 13px; font-weight: 600; fill: #111827; }
        svg.lockgraph .lock { cursor: pointer; }
        svg.lockgraph .edge path { fill: none; stroke: var(--grey); stroke-width: 1.5; }
        svg.lockgraph .edge.cycle path { stroke: var(--red); stroke-width: 2.2; }
        svg.lockgraph .arrow path { fill: var(--grey); } svg.lockgraph .arrow.cycle path { fill: var(--red); }
        svg.lockgraph rect.elabel { fill: #fff; fill-opacity: 0.92; stroke: var(--line); }
        svg.lockgraph text { font-size: 11px; fill: #1f2937; } svg.lockgraph text.method { font-weight: 600; }
        svg.lockgraph text.via { fill: #4b5563; } svg.lockgraph a text.site { fill: #1d4ed8; text-decoration: underline; }
        svg.lockgraph.focusing .edge:not(.focus), svg.lockgraph.focusing .lock:not(.focus) { opacity: 0.25; }
        table.races code, ol.related code { font-size: 12px; margin-left: 8px; color: #374151; }
        table.races .self { color: var(--grey); font-style: italic; }
        .finding { border: 1px solid var(--line); border-left: 4px solid var(--grey); border-radius: 4px; padding: 8px 12px; margin: 10px 0; }
        .finding.error { border-left-color: var(--red); } .finding.warning { border-left-color: #d97706; } .finding.info { border-left-color: #2563eb; }
        .finding:target { box-shadow: 0 0 0 3px #93c5fd; }
        .head { font-size: 14px; } .sev { text-transform: uppercase; font-size: 11px; font-weight: 700; color: var(--grey); }
        .where { font-family: ui-monospace, monospace; font-size: 13px; } .project { color: var(--grey); font-size: 13px; }
        .message { margin: 6px 0; } .count { color: var(--grey); font-weight: normal; }
        pre.code { background: #f8fafc; border: 1px solid var(--line); border-radius: 4px; padding: 6px 0; margin: 6px 0; overflow-x: auto; font-size: 13px; }
        pre.code .line { display: block; padding: 0 10px 0 0; } pre.code .line.hit { background: #fffbe6; }
        pre.code .ln { display: inline-block; width: 44px; padding-right: 10px; text-align: right; color: #9ca3af; user-select: none; }
        pre.code mark { background: var(--hit); outline: 1px solid #eab308; }
        .nocode { color: var(--grey); font-style: italic; }
        details summary { cursor: pointer; font-size: 13px; color: #374151; }
        footer { margin-top: 40px; color: var(--grey); font-size: 12px; }
        """;

    /// <summary>Clicking a lock in a graph dims everything but that lock's arrows (click again to clear).</summary>
    public const string Script = """
        (function () {
          'use strict';
          document.querySelectorAll('svg.lockgraph').forEach(function (svg) {
            svg.querySelectorAll('g.lock').forEach(function (node) {
              node.addEventListener('click', function () {
                var id = node.getAttribute('data-lock');
                var on = !node.classList.contains('focus');
                svg.querySelectorAll('.focus').forEach(function (e) { e.classList.remove('focus'); });
                if (on) {
                  node.classList.add('focus');
                  svg.querySelectorAll('g.edge').forEach(function (edge) {
                    if (edge.getAttribute('data-from') === id || edge.getAttribute('data-to') === id) {
                      edge.classList.add('focus');
                      svg.querySelectorAll('g.lock[data-lock="' + edge.getAttribute('data-from') + '"], g.lock[data-lock="' + edge.getAttribute('data-to') + '"]')
                        .forEach(function (n) { n.classList.add('focus'); });
                    }
                  });
                }
                svg.classList.toggle('focusing', on);
              });
            });
          });
          document.body.setAttribute('data-script', 'ready');
        })();
        """;
}
