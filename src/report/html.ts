/**
 * The self-contained report page: header, the headline (figures and FailedScheduling reasons; a sweep's changes
 * against its baseline), every chart twice: a static SVG (rendered in Node,
 * readable without scripts) and an interactive vega-embed view (tooltips) that replaces it when scripts run, and the
 * full summary folded at the end.
 * The vega bundles and the specs are inlined, so the page works offline from file://.
 */
import type { TopLevelSpec } from 'vega-lite';
import { vegaBundles } from './bundles.js';
import type { Figure, Reason } from './headline.js';

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
  /** The headline figures the page opens with (a run). */
  figures?: Figure[];
  /** The scheduler's most frequent reasons for pods it could not place (a run). */
  reasons?: Reason[];
  /** What changed against the baseline (a sweep with one), shown first. */
  changes?: { baseline: string; table: Table };
  /** Key/value summary (a single run), folded at the end without its empty values. */
  summary?: Record<string, string>;
  /** The cells' table (a sweep): first without a baseline, folded at the end with one. */
  table?: Table;
  notes?: string[];
  charts: ChartSection[];
  /** Inline the vega bundles for interactive charts (default true). */
  interactive?: boolean;
}

/** A table in a container that scrolls sideways when the table is wider than the page. */
function tableHtml(t: Table, id: string): string {
  const best = new Set((t.best ?? []).map(([r, c]) => `${r},${c}`));
  const head = `<tr>${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = t.rows.map((row, r) => `<tr>${row.map((cell, c) => `<td${best.has(`${r},${c}`) ? ' class="best"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table id="${id}" class="cells">\n${head}\n${body}\n</table></div>`;
}

/** The headline figures and the top FailedScheduling reasons. */
function headlineHtml(p: ReportPage): string {
  const figures = (p.figures ?? []).map((f) => `<div class="figure"><div class="value">${escapeHtml(f.value)}</div><div class="label">${escapeHtml(f.label)}</div></div>`).join('\n');
  const reasons = (p.reasons ?? []).length === 0
    ? ''
    : `<h2>Why pods were not scheduled</h2>\n<table id="reasons">\n<tr><th>reason (FailedScheduling)</th><th>events</th><th>pods</th></tr>\n${p.reasons!.map((r) => `<tr><td>${escapeHtml(r.reason)}</td><td>${r.events.toLocaleString('en-US')}</td><td>${r.pods.toLocaleString('en-US')}</td></tr>`).join('\n')}\n</table>`;
  return `${figures === '' ? '' : `<section id="headline">\n${figures}\n</section>`}\n${reasons}`;
}

/** Builds the HTML. */
export function reportHtml(p: ReportPage): string {
  const rows = Object.entries(p.summary ?? {}).filter(([, v]) => v !== undefined && v !== '');
  const folded = (what: string, inner: string) => `<details id="full-summary">\n<summary>${escapeHtml(what)}</summary>\n${inner}\n</details>`;
  const runSummary = p.table === undefined ? folded(`Full summary (${rows.length} values; the empty ones left out)`, `<table id="summary">\n${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}\n</table>`) : '';
  // The significant changes open the page; the differences within noise (their CI spans zero) are folded below them.
  const changed = p.changes === undefined ? undefined : { ...p.changes.table, rows: p.changes.table.rows.filter((r) => r[r.length - 1] !== 'within noise') };
  const noise = p.changes === undefined ? undefined : { ...p.changes.table, rows: p.changes.table.rows.filter((r) => r[r.length - 1] === 'within noise') };
  const opening = p.changes !== undefined
    ? `<h2>What changed against the baseline (${escapeHtml(p.changes.baseline)})</h2>\n<p class="note">Paired differences: the same seeds in every cell (common random numbers); mean and 95 % CI of cell − baseline.</p>\n${changed!.rows.length > 0 ? tableHtml(changed!, 'changes') : '<p class="note">No headline metric differs significantly from the baseline.</p>'}${noise!.rows.length > 0 ? `\n<details id="within-noise">\n<summary>${noise!.rows.length} difference${noise!.rows.length === 1 ? '' : 's'} within noise (the 95 % CI spans zero)</summary>\n${tableHtml(noise!, 'noise')}\n</details>` : ''}`
    : p.table !== undefined
      ? `<h2>Cells</h2>\n${tableHtml(p.table, 'summary')}`
      : headlineHtml(p);
  const closing = p.changes !== undefined && p.table !== undefined ? folded('All cells: mean [95% CI] of each headline metric', tableHtml(p.table, 'summary')) : runSummary;
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
#headline { display: flex; flex-wrap: wrap; gap: 0.8rem 2.2rem; margin: 1.2rem 0; }
.figure .value { font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.figure .label { color: #666; font-size: 0.85rem; }
div.scroll { max-width: 100%; overflow-x: auto; }
details { margin: 2rem 0; }
details > summary { cursor: pointer; font-weight: 600; }
svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<header>
<h1>kubesim report: ${escapeHtml(p.scenario)}</h1>
<p>kubesim ${escapeHtml(p.version)} · seeds ${escapeHtml(p.seed)} · wall time ${escapeHtml(p.wallTime)}</p>
</header>
${opening}
${notes}
${charts}
${closing}
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
