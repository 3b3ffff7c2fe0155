// Child process of bench/lint.bench.ts: measures one run of either the YAML parse of a file (`parse`, the `yaml`
// package with its defaults: parseAllDocuments + toJS) or the whole `cdk8s-sidecars lint FILE` path in-process
// (`lint`: read, safe loader, lint, text output). Prints {ms, peakBytes}: wall time, and the peak resident memory
// above the resident memory after start-up (Linux: the high-water mark is reset through /proc/self/clear_refs).
import * as fs from 'fs';
import { parseAllDocuments } from 'yaml';
import { main } from '../src/cli';

const gc = (global as any).gc as () => void;

function residentKb(field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function measure(mode: string, file: string): Promise<void> {
  gc();
  let before = process.memoryUsage().rss;
  let resetPeak = false;
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5'); // reset VmHWM to the current RSS
    before = (residentKb('VmRSS') ?? before / 1024) * 1024;
    resetPeak = true;
  } catch {
    // not Linux: fall back to the process's lifetime maximum
  }
  let sink = 0;
  const t0 = process.hrtime.bigint();
  if (mode === 'parse') {
    const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const values = (Array.isArray(docs) ? docs : []).map(d => d.toJS());
    sink = values.length;
  } else {
    const code = await main(['lint', file], { stdout: t => { sink += t.length; }, stderr: t => { sink += t.length; }, readStdin: async () => '' });
    if (code === 2) throw new Error('lint failed on the bench input');
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peak = resetPeak ? (residentKb('VmHWM') ?? 0) * 1024 : process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ ms, peakBytes: Math.max(0, peak - before), sink }));
}

void measure(process.argv[2], process.argv[3]);
