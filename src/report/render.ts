/** Renders a vega-lite spec to a static SVG string in Node (vega's headless View, no canvas needed). */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The SVG of a chart. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
