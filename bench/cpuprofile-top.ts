/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self
 * time, self time per file / package, and the project's own functions by inclusive time.
 * Shares are of the non-idle samples (the process was on CPU), optionally restricted to a
 * time window counted from the profile's start.
 *
 *   npx tsx bench/cpuprofile-top.ts FILE.cpuprofile [--top 25] [--from-ms N] [--to-ms N] [--split NAME]
 *
 * --split NAME breaks the self time of the functions whose label contains NAME down by the
 * nearest project function (src/, bin/) on their stack: which of our calls pays for it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { root } from './server-process.js';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

/** One row of a summary. */
export interface Row { name: string; ms: number; pct: number }

/** What summarizeProfile returns. */
export interface ProfileSummary {
  /** CPU time (ms) in the window, idle excluded. */
  busyMs: number;
  windowMs: number;
  topSelf: Row[];
  byFile: Row[];
  byPackage: Row[];
  /** Project (src/, bin/) functions by inclusive time: self plus everything they called. */
  projectInclusive: Row[];
  /** With `split`: the matching functions' self time by nearest project caller (pct of all busy time). */
  split?: { name: string; rows: Row[] };
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

function fileOf(url: string): string {
  if (!url) return '(native)';
  const p = url.replace(/^file:\/\//, '');
  return p.startsWith(root) ? p.slice(root.length) : p;
}

function packageOf(url: string): string {
  const f = fileOf(url);
  const nm = f.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = f.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (f.startsWith('node:')) return 'node (JS internals)';
  if (f === '(native)') return '(native / V8 builtins)';
  const top = f.split('/');
  return top.length > 1 ? `${top[0]}/${top[1]}` : f;
}

const label = (cf: CallFrame): string => {
  if (SPECIAL.has(cf.functionName)) return cf.functionName;
  // Lines are those of the code V8 ran: right for .js, not for TypeScript that tsx transformed.
  const line = cf.url.endsWith('.js') ? `:${cf.lineNumber + 1}` : '';
  return `${fileOf(cf.url)}:${cf.functionName || '(anonymous)'}${line}`;
};

/** Reads and summarizes a profile. */
export function summarizeProfile(file: string, opts: { top?: number; fromMs?: number; toMs?: number; split?: string } = {}): ProfileSummary {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const perFile = new Map<string, number>();
  const perPkg = new Map<string, number>();
  const incl = new Map<string, number>();
  const split = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let t = 0;
  let busy = 0;
  const from = (opts.fromMs ?? 0) * 1000;
  const to = (opts.toMs ?? Infinity) * 1000;
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i] ?? 0;
    // A sample's time is the gap to the next one.
    const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
    if (t < from || t > to) continue;
    const node = byId.get(prof.samples[i]!)!;
    if (node.callFrame.functionName === '(idle)') continue;
    busy += dt;
    add(self, label(node.callFrame), dt);
    const special = SPECIAL.has(node.callFrame.functionName);
    add(perFile, special ? node.callFrame.functionName : fileOf(node.callFrame.url), dt);
    add(perPkg, special ? node.callFrame.functionName : packageOf(node.callFrame.url), dt);
    const seen = new Set<string>();
    if (opts.split && label(node.callFrame).includes(opts.split)) {
      let caller = '(no project function on the stack)';
      for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
        const cf = byId.get(id)!.callFrame;
        const f = fileOf(cf.url);
        if (f.startsWith('src/') || f.startsWith('bin/')) {
          caller = label(cf);
          break;
        }
      }
      add(split, caller, dt);
    }
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id)!.callFrame;
      const f = fileOf(cf.url);
      if (!(f.startsWith('src/') || f.startsWith('bin/'))) continue;
      const k = label(cf);
      if (seen.has(k)) continue;
      seen.add(k);
      add(incl, k, dt);
    }
  }
  const top = opts.top ?? 25;
  const rows = (m: Map<string, number>, n = top): Row[] => [...m.entries()]
    .sort((a, b) => b[1] - a[1]).slice(0, n)
    .map(([name, ms]) => ({ name, ms: Math.round(ms), pct: Math.round((ms / busy) * 1000) / 10 }));
  return {
    busyMs: Math.round(busy), windowMs: Math.round((Math.min(t, to) - from) / 1000),
    topSelf: rows(self), byFile: rows(perFile, 15), byPackage: rows(perPkg, 15), projectInclusive: rows(incl),
    ...(opts.split ? { split: { name: opts.split, rows: rows(split, 15) } } : {}),
  };
}

/** Renders a summary as text. */
export function formatSummary(s: ProfileSummary): string {
  const out: string[] = [`on CPU ${s.busyMs} ms of a ${s.windowMs} ms window (${((s.busyMs / Math.max(1, s.windowMs)) * 100).toFixed(0)}% of one core)`];
  const section = (title: string, rows: Row[]) => {
    out.push('', title);
    for (const r of rows) out.push(`  ${r.pct.toFixed(1).padStart(5)}%  ${String(r.ms).padStart(6)} ms  ${r.name}`);
  };
  section('top self time (function):', s.topSelf);
  section('self time by package / area:', s.byPackage);
  section('self time by file:', s.byFile);
  section('project functions by inclusive time:', s.projectInclusive);
  if (s.split) section(`self time of '${s.split.name}' by nearest project caller:`, s.split.rows);
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, 'from-ms': { type: 'string' }, 'to-ms': { type: 'string' }, split: { type: 'string' } },
  });
  for (const file of positionals) {
    console.log(`== ${file}`);
    console.log(formatSummary(summarizeProfile(file, {
      top: Number(values.top),
      fromMs: values['from-ms'] ? Number(values['from-ms']) : undefined,
      toMs: values['to-ms'] ? Number(values['to-ms']) : undefined,
      split: values.split,
    })));
  }
}
