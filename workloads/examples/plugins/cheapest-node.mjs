// An example kubesim scheduler plugin: "CheapestNode".
//   Filter: rejects nodes labelled example.com/draining=true.
//   Score:  prefers cheaper nodes by the example.com/price-per-hour label (in cents): the raw score is the price,
//           and NormalizeScore reverses it onto 0–100 so the cheapest node scores 100.
// The default export is a plugin factory: (args, handle) => plugin. `args` comes from the profile's pluginConfig;
// `handle` gives the scheduler's shared state (see docs/scheduler.md). Plugins must be deterministic: use
// handle.random() for randomness, never Math.random or the clock.

import { Code, MAX_NODE_SCORE, status } from 'kubesim';

export default function cheapestNode(args) {
  const priceLabel = args?.priceLabel ?? 'example.com/price-per-hour';
  const unknownPrice = args?.unknownPrice ?? 1000;
  const rejectDraining = status(Code.Unschedulable, 'node(s) are draining');
  const price = (node) => {
    const v = Number(node.node.metadata.labels?.[priceLabel]);
    return Number.isFinite(v) ? v : unknownPrice;
  };
  return {
    name: 'CheapestNode',
    // Cluster events after which a pod this plugin rejected may fit (the queue moves it on these only).
    events: ['NodeAdd', 'NodeUpdate'],
    filter(_state, _pod, node) {
      return node.node.metadata.labels?.['example.com/draining'] === 'true' ? rejectDraining : null;
    },
    score(_state, _pod, node) {
      return price(node);
    },
    normalizeScore(_state, _pod, scores) {
      let max = 0;
      for (const s of scores) if (s > max) max = s;
      for (let i = 0; i < scores.length; i++) scores[i] = max === 0 ? MAX_NODE_SCORE : Math.trunc(MAX_NODE_SCORE - (MAX_NODE_SCORE * scores[i]) / max);
    },
  };
}
