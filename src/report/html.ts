/**
 * The self-contained report page: header, summary table, and every chart twice: a static SVG (rendered in Node,
 * readable without scripts) and an interactive vega-embed view (tooltips) that replaces it when scripts run.
 * The vega bundles and the specs are inlined, so the page works offline from file://.
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaBundles } from './bundles.js';

/** Escapes text for HTML (scenario names and messages come from users). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** One chart of the page. */
export interface ChartSection {
  id: string;
  title: string;
  svg: string;
  spec?: TopLevelSpec;
}

/** A table: header cells and rows; `best` marks highlighted cells as [row, column]. */
export interface Table {
  columns: string[];
  rows: string[][];
  best?: [number, number][];
}

/** Page inputs. */
export interface ReportPage {
  scenario: string;
  version: string;
  seed: string;
  /** The wall time as read: "14.29 s", "14.29 s on 2 workers", or "n/a". */
  wallTime: string;
  /** Key/value summary (a single run). */
  summary?: Record<string, string>;
  /** A summary table (a sweep). */
  table?: Table;
  notes?: string[];
  charts: ChartSection[];
  /** Inline the vega bundles for interactive charts (default true). */
  interactive?: boolean;
}

function tableHtml(t: Table): string {
  const best = new Set((t.best ?? []).map(([r, c]) => `${r},${c}`));
  const head = `<tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((row, r) => `<tr>${row.map((cell, c) => `<td${best.has(`${r},${c}`) ? ' class="best"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="summary" class="cells">\n${head}\n${body}\n</table>`;
}

/** Builds the HTML. */
export function reportHtml(p: ReportPage): string {
  const summary = p.table
    ? tableHtml(p.table)
    : `<table id="summary">\n${Object.entries(p.summary ?? {})
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
        .join('\n')}\n</table>`;
  const charts = p.charts
    .map((c) => `<section class="chart" id="${escapeHtml(c.id)}"><h2>${escapeHtml(c.title)}</h2>\n<div class="static">${scopeSvgIds(c.svg, `static-${c.id}-`)}</div>\n<div class="interactive" data-spec="spec-${escapeHtml(c.id)}"></div>\n</section>`)
    .join('\n');
  const interactive = p.interactive !== false && p.charts.some((c) => c.spec);
  const specs = interactive ? p.charts.filter((c) => c.spec).map((c) => `<script type="application/json" id="spec-${escapeHtml(c.id)}">${scriptJson(c.spec)}</script>`).join('\n') : '';
  const scripts = interactive
    ? `${vegaBundles().map((b) => `<script>${b.replace(/<\/script/gi, '<\\/script')}</script>`).join('\n')}
<script>
for (const el of document.querySelectorAll('.interactive')) {
  const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
  vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).then(() => el.parentElement.classList.add('live')).catch((e) => console.error(e));
}
</script>`
    : '';
  const notes = (p.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>kubesim report: ${escapeHtml(p.scenario)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
header p, p.note { color: #555; margin: 0.2rem 0; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { padding: 0.2rem 0.8rem; border-bottom: 1px solid #ddd; text-align: left; font-variant-numeric: tabular-nums; }
th { font-weight: 600; }
td.best { background: #d9f2d9; font-weight: 600; }
section.chart { margin: 2rem 0; }
section.chart.live .static { display: none; }
</style>
</head>
<body>
<header>
<h1>kubesim report: ${escapeHtml(p.scenario)}</h1>
<p>kubesim ${escapeHtml(p.version)} · seeds ${escapeHtml(p.seed)} · wall time ${escapeHtml(p.wallTime)}</p>
</header>
<h2>Summary</h2>
${summary}
${notes}
${charts}
${specs}
${scripts}
</body>
</html>
`;
}

/**
 * The static SVG's element ids prefixed, with the references to them: vega names gradients and clips `gradient_0`,
 * `clip1`… in every SVG it renders, so the live chart's `url(#gradient_0)` resolved to the hidden static copy and its
 * legend lost its gradient.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg.replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`).replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`).replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}
