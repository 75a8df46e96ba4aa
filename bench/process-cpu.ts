/**
 * CPU time of the benchmark's processes and of the whole machine, from Linux's /proc. All parts share
 * the same few cores, so where the CPU goes per request explains the throughput; and CPU used by
 * processes that aren't ours shows how much a busy machine skewed a phase. Elsewhere: not measured.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream kernel. */
const MS_PER_TICK = 10;

export interface CpuBreakdown {
  /** CPU ms per request of each named process. */
  perRequestMs: Record<string, number>;
  /** Share of all cores that was busy, and the part of it used by processes other than ours. */
  machineBusy: number;
  othersBusy: number;
}

export const totalCpuMs = (breakdown: CpuBreakdown) =>
  Object.values(breakdown.perRequestMs).reduce((sum, ms) => sum + ms, 0);

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function machineTicks(): { busy: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

interface Ticks {
  machineBusy: number;
  machineTotal: number;
  processes: Record<string, number>;
}

/**
 * Adds up the CPU time of `processes` (name → pid) and of the machine over the periods between each
 * `resume` and `pause`, so that loads run in alternating slices are measured as one.
 */
export class CpuMeter {
  private readonly available = existsSync('/proc/stat');
  private readonly totals: Ticks;
  private started: Ticks | undefined;

  constructor(private readonly processes: Record<string, number>) {
    this.totals = {
      machineBusy: 0,
      machineTotal: 0,
      processes: Object.fromEntries(Object.keys(processes).map((name) => [name, 0])),
    };
  }

  resume(): void {
    if (this.available) this.started = this.snapshot();
  }

  pause(): void {
    if (!this.started) return;
    const now = this.snapshot();
    this.totals.machineBusy += now.machineBusy - this.started.machineBusy;
    this.totals.machineTotal += now.machineTotal - this.started.machineTotal;
    for (const name of Object.keys(this.processes)) {
      this.totals.processes[name]! += now.processes[name]! - this.started.processes[name]!;
    }
    this.started = undefined;
  }

  /** `undefined` where /proc doesn't exist. */
  result(requests: number): CpuBreakdown | undefined {
    if (!this.available) return undefined;
    const { machineBusy, machineTotal, processes } = this.totals;
    const ours = Object.values(processes).reduce((sum, ticks) => sum + ticks, 0);
    return {
      perRequestMs: Object.fromEntries(
        Object.entries(processes).map(([name, ticks]) => [name, (ticks * MS_PER_TICK) / Math.max(1, requests)]),
      ),
      machineBusy: machineBusy / (machineTotal || 1),
      othersBusy: Math.max(0, machineBusy - ours) / (machineTotal || 1),
    };
  }

  private snapshot(): Ticks {
    const machine = machineTicks();
    return {
      machineBusy: machine.busy,
      machineTotal: machine.total,
      processes: Object.fromEntries(Object.entries(this.processes).map(([name, pid]) => [name, processTicks(pid)])),
    };
  }
}
