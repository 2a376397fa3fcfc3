// System-wide memory and CPU for the gauges (systeminformation). Not a benchmark figure: those are
// per child. The first currentLoad() primes counters for ~0.5 s, so prime once at start.
import si from "systeminformation";

export interface SystemGauge {
  usedBytes: number;
  totalBytes: number;
  cpuPercent: number;
}

export async function primeSystemGauges(): Promise<void> {
  await si.currentLoad();
}

export async function readSystemGauge(): Promise<SystemGauge> {
  const [mem, load] = await Promise.all([si.mem(), si.currentLoad()]);
  // "active" excludes buffers and page cache, which is what "used" means to a person.
  return { usedBytes: mem.active, totalBytes: mem.total, cpuPercent: load.currentLoad };
}
