/**
 * A run's results folder: outputs are written into a temporary folder next to the final one, then manifest.json is
 * written and the folder renamed into place, so an interrupted run never leaves a result that looks complete.
 *
 * kubesim replaces only what it wrote. manifest.json lists the files of the run (`files`), and a results folder may
 * hold nothing else but the report (report.html, charts/) and kubesim's own temporary folders; a sweep folder is
 * known by its sweep.json. An output folder holding anything else is refused (InputError) unless `force` is given,
 * and then the run's files are moved in beside the others: a file kubesim did not write is never deleted.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { Scenario } from '../workload/scenario.js';
import { InputError } from '../workload/errors.js';
import { KUBESIM_VERSION } from './version.js';
import { versionName } from '../cluster/kubernetesVersion.js';

/** The manifest of a run's folder. */
export const MANIFEST = 'manifest.json';
/** Every name a run may write at the top of its folder (the CSVs of a run in time or of a placement experiment). */
export const RUN_FILES: readonly string[] = [
  'pods.csv', 'nodes.csv', 'cluster.csv', 'events.csv', 'workloads.csv', 'autoscaling.csv', 'proxy.csv', 'services.csv', 'scheduling.csv',
  'summary.csv', 'placement.csv', 'placements.csv', MANIFEST,
];
/** What `kubesim report` adds to a run or sweep folder. */
export const REPORT_ENTRIES: readonly string[] = ['report.html', 'report.html.tmp', 'charts'];
/** A kubesim temporary folder: `.<name>.tmp-<pid>`. */
const TEMP_FOLDER = /^\.[^/]+\.tmp-\d+$/;

/** The temporary folder of `outDir` for this process. */
function tempPath(outDir: string): string {
  return join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}`);
}

/** Whether `name` (an entry of a folder) is one of kubesim's temporary folders. */
export function isTempFolder(name: string): boolean {
  return TEMP_FOLDER.test(name);
}

/**
 * Removes the temporary folders of `outDir` left by killed processes (any pid but a live one of this process's),
 * so a later run or `--resume` leaves the same folder an uninterrupted run would.
 */
export function removeStaleTemp(outDir: string): void {
  const parent = dirname(outDir);
  if (!existsSync(parent)) return;
  const prefix = `.${basename(outDir)}.tmp-`;
  for (const e of readdirSync(parent)) {
    if (!e.startsWith(prefix) || !/^\d+$/.test(e.slice(prefix.length))) continue;
    const pid = Number(e.slice(prefix.length));
    if (pid !== process.pid && processAlive(pid)) continue;
    rmSync(join(parent, e), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Creates (empty) the temporary folder of `outDir` and returns its path. */
export function tempFolder(outDir: string): string {
  removeStaleTemp(outDir);
  const tmp = tempPath(outDir);
  rmSync(tmp, { recursive: true, force: true });
  makeFolder(tmp);
  return tmp;
}

/**
 * mkdir -p, with the real reason when it fails: Node's recursive mkdir reports ENOENT on a read-only file system, so
 * the first missing folder is created alone to learn what stops it (EROFS, EACCES, ENOTDIR).
 */
export function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError(e, dir);
    let missing = dir;
    while (!existsSync(dirname(missing)) && dirname(missing) !== missing) missing = dirname(missing);
    try {
      mkdirSync(missing);
    } catch (inner) {
      throw writeError(inner, dirname(missing));
    }
    throw writeError(e, dir);
  }
}

/** A file-system error of an output folder as the one line a user needs (read-only, full, not a folder, …). */
export function writeError(e: unknown, where: string): Error {
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'the disk quota is exhausted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    ENAMETOOLONG: 'the path is too long',
  };
  const reason = code !== undefined ? why[code] : undefined;
  if (reason === undefined) return e as Error;
  return new InputError(`${where}: cannot write the results: ${reason}`);
}

/** The files kubesim wrote into a run folder, from its manifest.json (undefined when it is not a kubesim run folder). */
export function runFolderFiles(dir: string): Set<string> | undefined {
  const m = join(dir, MANIFEST);
  if (!existsSync(m)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(m, 'utf8')) as { kubesim?: unknown; files?: unknown };
    if (typeof doc.kubesim !== 'string' || !Array.isArray(doc.files)) return undefined;
    return new Set([MANIFEST, ...doc.files.filter((f): f is string => typeof f === 'string')]);
  } catch {
    return undefined;
  }
}

/** Files under `dir` (relative paths, sorted). */
function listFiles(dir: string, base = dir, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, base, out);
    else out.push(relative(base, p).split(sep).join('/'));
  }
  return out;
}

/** Whether a path relative to a results folder is part of its report. */
function isReportEntry(rel: string): boolean {
  const top = rel.split('/')[0]!;
  return REPORT_ENTRIES.includes(top);
}

/** The first entry (relative path) of a run folder that kubesim did not write, if any. */
export function foreignInRun(dir: string): string | undefined {
  const files = runFolderFiles(dir) ?? new Set<string>();
  return firstFile(dir, (rel) => !files.has(rel) && !isReportEntry(rel));
}

/** The first file under `dir` for which `foreign` holds, walking no further than needed. */
function firstFile(dir: string, foreign: (rel: string) => boolean, base = dir): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    const rel = relative(base, p).split(sep).join('/');
    if (e.isDirectory()) {
      if (isTempFolder(e.name)) continue;
      const f = firstFile(p, foreign, base);
      if (f !== undefined) return f;
    } else if (foreign(rel)) return rel;
  }
  return undefined;
}

/** What refuses an output folder: a message, or undefined when kubesim may write there. */
function refusal(outDir: string, foreign: string | undefined, what: string): string | undefined {
  if (foreign === undefined) return undefined;
  return `${outDir}: the output folder holds files kubesim did not write (e.g. ${foreign}); ${what} replaces only a folder an earlier kubesim ${what} wrote: choose another --out, or pass --force to write beside those files (they are kept)`;
}

/**
 * Checks that a run may write its results to `outDir` before any work starts: the folder is absent, empty or an
 * earlier run's results; with `force` anything is accepted (files kubesim did not write are kept). Also checks that
 * the folder can be written (read-only, full, a file in the way).
 */
export function checkRunOutput(outDir: string, force: boolean): void {
  if (existsSync(outDir)) {
    if (!statSync(outDir).isDirectory()) throw new InputError(`${outDir}: the output folder is a file`);
    if (!force) {
      const msg = refusal(outDir, foreignInRun(outDir), 'run');
      if (msg !== undefined) throw new InputError(msg);
    } else {
      const clash = clashing(outDir, [...RUN_FILES, ...REPORT_ENTRIES], runFolderFiles(outDir) !== undefined);
      if (clash !== undefined) throw new InputError(clashMessage(outDir, clash));
    }
  }
  probeWritable(dirname(outDir));
}

/**
 * With --force: the first name kubesim would write that already holds a file kubesim did not write (a run's own
 * earlier outputs are replaced; anything else of that name would be lost, so it is refused even with --force).
 */
export function clashing(dir: string, names: readonly string[], madeByKubesim: boolean): string | undefined {
  const ours = runFolderFiles(dir) ?? new Set<string>();
  for (const n of names) {
    if (!existsSync(join(dir, n)) || ours.has(n)) continue;
    if (madeByKubesim && REPORT_ENTRIES.includes(n)) continue;
    return n;
  }
  return undefined;
}

/** The refusal of a clash under --force. */
export function clashMessage(dir: string, name: string): string {
  return `${dir}: ${name} is a file kubesim did not write and would write over; --force keeps such files, so move it or choose another --out`;
}

/** Checks that a folder (created if needed) accepts a file: the clear error before a run rather than after it. */
export function probeWritable(dir: string): void {
  const probe = join(dir, `.kubesim-probe-${process.pid}`);
  makeFolder(dir);
  try {
    writeFileSync(probe, 'kubesim\n');
  } catch (e) {
    throw writeError(e, dir);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // nothing was written
    }
  }
}

/** A wall-clock reading (the CLI's; simulation code never reads the clock). */
export type WallReading = { ms: number; iso: string } | undefined;

/**
 * Writes manifest.json (what reproduces the run: versions, scenario hash, seed, overrides, then `fields`, the files
 * written, then the wall time when known) and moves the folder into place, replacing an earlier result. With
 * `force`, files of `outDir` that kubesim did not write are kept and the run's files are moved in beside them.
 */
export function publish(tmp: string, outDir: string, scenario: Scenario, fields: Record<string, unknown>, started: WallReading, ended: WallReading, force = false): void {
  try {
    const files = listFiles(tmp);
    const manifest = {
      kubesim: KUBESIM_VERSION,
      kubernetesVersion: versionName(scenario.kubernetesMinor),
      node: process.version,
      scenario: scenario.name,
      scenarioFile: scenario.file,
      scenarioSha256: scenario.hash,
      seed: scenario.seed,
      overrides: scenario.overrides,
      ...fields,
      files,
      ...(started !== undefined && ended !== undefined ? { startedAt: started.iso, wallSeconds: (ended.ms - started.ms) / 1000 } : {}),
    };
    writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    mkdirSync(dirname(outDir), { recursive: true });
    if (!existsSync(outDir)) {
      renameSync(tmp, outDir);
      return;
    }
    const foreign = foreignInRun(outDir);
    if (foreign === undefined) {
      rmSync(outDir, { recursive: true, force: true });
      renameSync(tmp, outDir);
      return;
    }
    if (!force) throw new InputError(refusal(outDir, foreign, 'run')!);
    const earlier = runFolderFiles(outDir);
    const clash = clashing(outDir, [...files, MANIFEST, ...REPORT_ENTRIES], earlier !== undefined);
    if (clash !== undefined) throw new InputError(clashMessage(outDir, clash));
    // Beside files kubesim did not write: remove what the earlier run wrote, then move each new file in.
    for (const f of earlier ?? []) rmSync(join(outDir, f), { force: true });
    if (earlier !== undefined) for (const e of REPORT_ENTRIES) rmSync(join(outDir, e), { recursive: true, force: true });
    for (const f of [...files, MANIFEST]) {
      mkdirSync(dirname(join(outDir, f)), { recursive: true });
      renameSync(join(tmp, f), join(outDir, f));
    }
    rmSync(tmp, { recursive: true, force: true });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw writeError(e, outDir);
  }
}
