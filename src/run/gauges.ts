// Memory and CPU gauges for a live front end: the measured child's RSS and the machine's memory and
// CPU, as memory events every intervalMs. Only the TUI wants them; headless runs skip the polling.
// The machine's figures (systeminformation) are not a benchmark figure: those are per child. The
// first currentLoad() primes counters for ~0.5 s, so it is primed once at the start.
import si from "systeminformation";
import type { EventBus } from "./event-bus.ts";

interface SystemGauge {
  usedBytes: number;
  totalBytes: number;
  cpuPercent: number;
}

async function primeSystemGauges(): Promise<void> {
  await si.currentLoad();
}

async function readSystemGauge(): Promise<SystemGauge> {
  const [mem, load] = await Promise.all([si.mem(), si.currentLoad()]);
  // "active" excludes buffers and page cache, which is what "used" means to a person.
  return { usedBytes: mem.active, totalBytes: mem.total, cpuPercent: load.currentLoad };
}

export function startGauges(bus: EventBus, child: () => { pid: number; rssBytes: number } | null, intervalMs = 250): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    if (stopped) return;
    try {
      const system = await readSystemGauge();
      const current = child();
      bus.emit({
        type: "memory",
        pid: current?.pid ?? 0,
        rssBytes: current?.rssBytes ?? 0,
        systemUsedBytes: system.usedBytes,
        systemTotalBytes: system.totalBytes,
        cpuPercent: system.cpuPercent,
      });
    } catch {
      // A gauge that cannot be read is left out; the benchmark goes on.
    }
    if (!stopped) timer = setTimeout(tick, intervalMs);
  };
  void primeSystemGauges().then(tick, tick);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
