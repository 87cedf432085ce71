/** The self-contained report page: header, summary table and inline SVG charts; no script, no network. */

/** Escapes text for HTML (scenario names and messages come from users). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One chart of the page. */
export interface ChartSection {
  id: string;
  title: string;
  svg: string;
}

/** Page inputs. */
export interface ReportPage {
  scenario: string;
  version: string;
  seed: string;
  wallSeconds: string;
  summary: Record<string, string>;
  charts: ChartSection[];
}

/** Builds the HTML. */
export function reportHtml(p: ReportPage): string {
  const rows = Object.entries(p.summary)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
    .join('\n');
  const charts = p.charts.map((c) => `<section class="chart" id="${escapeHtml(c.id)}"><h2>${escapeHtml(c.title)}</h2>\n${c.svg}\n</section>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kubesim report: ${escapeHtml(p.scenario)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
header p { color: #555; margin: 0.2rem 0; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.2rem 0.8rem; border-bottom: 1px solid #ddd; text-align: left; font-variant-numeric: tabular-nums; }
th { font-weight: 600; }
section.chart { margin: 2rem 0; }
</style>
</head>
<body>
<header>
<h1>kubesim report: ${escapeHtml(p.scenario)}</h1>
<p>kubesim ${escapeHtml(p.version)} · seed ${escapeHtml(p.seed)} · wall time ${escapeHtml(p.wallSeconds)} s</p>
</header>
<h2>Summary</h2>
<table id="summary">
${rows}
</table>
${charts}
</body>
</html>
`;
}
