/**
 * The browser builds of vega, vega-lite and vega-embed, read from the installed packages and inlined into report
 * pages, so a report is interactive offline (from file://) with no network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed folder of a package (their `exports` hide the build files from resolution). */
function packageDir(name: string): string {
  const entry = require.resolve(name);
  const marker = `${sep}node_modules${sep}${name}${sep}`;
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the ${name} package`);
  return entry.slice(0, at + marker.length);
}

let cached: string[] | undefined;

/** The three minified UMD bundles, in load order. */
export function vegaBundles(): string[] {
  cached ??= [
    readFileSync(join(packageDir('vega'), 'build', 'vega.min.js'), 'utf8'),
    readFileSync(join(packageDir('vega-lite'), 'build', 'vega-lite.min.js'), 'utf8'),
    readFileSync(join(packageDir('vega-embed'), 'build', 'vega-embed.min.js'), 'utf8'),
  ];
  return cached;
}
