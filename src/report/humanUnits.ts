/**
 * Figures as a person reads them: durations in the largest units that matter ("2 h", "16 min 22 s", "350 ms"),
 * shares as percentages ("65 %"), counts with thousands separators, and the h:mm (m:ss for short runs) labels of
 * the charts' time axes.
 */

/** A duration in seconds: "2 h", "1 h 5 min", "16 min 22 s", "12.3 s", "350 ms", "0.42 ms". */
export function humanDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '−' : '';
  if (s === 0) return '0 s';
  if (s < 0.001) return `${sign}${(s * 1000).toPrecision(2)} ms`;
  if (s < 1) return `${sign}${Number((s * 1000).toPrecision(3))} ms`;
  if (s < 60) return `${sign}${Number(s.toPrecision(3))} s`;
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  if (h === 0) return `${sign}${m} min${sec > 0 ? ` ${sec} s` : ''}`;
  if (h >= 48 && m === 0) return `${sign}${h % 24 === 0 ? `${h / 24} d` : `${h} h`}`;
  return `${sign}${h} h${m > 0 ? ` ${m} min` : ''}`;
}

/** A share (0.653) as a percentage: "65 %" (one decimal below 10 %: "2.5 %"). */
export function humanPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '';
  const p = ratio * 100;
  return `${Math.abs(p) < 10 && p !== 0 && Math.round(p) !== p ? p.toFixed(1) : Math.round(p)} %`;
}

/** A count: "12,345". */
export function humanCount(n: number): string {
  if (!Number.isFinite(n)) return '';
  return Math.round(n).toLocaleString('en-US');
}

/** Tick steps of a time axis, in seconds. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/**
 * The time axis of a chart spanning `spanS` seconds: about 8 ticks at round times, labelled h:mm (m:ss when the
 * span is under an hour), as a vega-lite axis.
 */
export function timeAxis(spanS: number): { title: string; values: number[]; labelExpr: string } {
  const step = STEPS.find((s) => spanS / s <= 8) ?? STEPS[STEPS.length - 1]!;
  const values: number[] = [];
  for (let t = 0; t <= spanS + 1e-9 && values.length < 50; t += step) values.push(t);
  const pad = (e: string) => `(${e} < 10 ? '0' : '') + ${e}`;
  if (spanS < 3600) {
    return { title: 'simulated time (m:ss)', values, labelExpr: `floor(datum.value / 60) + ':' + ${pad('floor(datum.value % 60)')}` };
  }
  return { title: 'simulated time (h:mm)', values, labelExpr: `floor(datum.value / 3600) + ':' + ${pad('floor(datum.value % 3600 / 60)')}` };
}
