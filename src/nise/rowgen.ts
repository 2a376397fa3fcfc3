// Row generation: turns one generator instance and one day's hours into columnar batches, one per report
// type. A batch holds numbers only (interval starts, an entity index, measures); text comes from the
// month's entity tables. Every consumer (CSV writer, parquet writer, RowSink) reads the same batches.

import { MEASURE_FIELDS } from "./columns.ts";
import { GIB, usageFor, type GeneratorInstance, type PodEntity, type StorageEntity } from "./entities.ts";
import type { Prng } from "./prng.ts";
import { pyInt, pyMin, pyMul, pyRound, type PyNum } from "./pynum.ts";
import { TABLE_KEYS, type TableKey } from "../contract/input-tables.ts";

/** Text values of every entity seen this month, per report type (entity index = row in these arrays). */
export class EntityTables {
  readonly text: Record<TableKey, string[][]> = {
    pod: [],
    storage: [],
    nodeLabels: [],
    namespaceLabels: [],
  };
  size(type: TableKey): number {
    return this.text[type].length;
  }
  /** Register a generator instance's entities; returns the first entity index per type. */
  add(inst: GeneratorInstance): Record<TableKey, number> {
    const base = {
      pod: this.size("pod"),
      storage: this.size("storage"),
      nodeLabels: this.size("nodeLabels"),
      namespaceLabels: this.size("namespaceLabels"),
    };
    for (const p of inst.pods) this.text.pod.push([p.pod, p.namespace, p.node, p.resourceId, p.labels]);
    for (const s of inst.storage) {
      this.text.storage.push([
        s.namespace, s.pod, s.node, s.pvc, s.pv, s.storageClass, s.csiDriver, s.csiVolumeHandle, s.pvLabels, s.pvcLabels,
      ]);
    }
    for (const n of inst.nodes) this.text.nodeLabels.push([n.name, n.labels]);
    for (const n of inst.namespaces) this.text.namespaceLabels.push([n.name, n.labels]);
    return base;
  }
}

/** Rows of one report type, columnar. A measure is NaN for Python None (empty field). */
export class RowBatch {
  n = 0;
  readonly intervalStart: Float64Array;
  readonly entity: Int32Array;
  readonly measures: Float64Array[];
  /** bit k set: measure k is a Python int (printed without ".0"). */
  readonly intMask: Uint16Array;
  /** Exact digits of ints beyond 2^53, keyed row * 16 + measure. */
  big: Map<number, bigint> | null = null;

  constructor(readonly type: TableKey, readonly capacity: number, readonly periodStart: number, readonly periodEnd: number) {
    this.intervalStart = new Float64Array(capacity);
    this.entity = new Int32Array(capacity);
    this.measures = MEASURE_FIELDS[type].map(() => new Float64Array(capacity));
    this.intMask = new Uint16Array(capacity);
  }

  setMeasure(row: number, k: number, p: PyNum | null): void {
    if (p === null) {
      this.measures[k][row] = NaN;
      return;
    }
    this.measures[k][row] = p.v;
    if (p.int) {
      this.intMask[row] |= 1 << k;
      if (p.big !== undefined) (this.big ??= new Map()).set(row * 16 + k, p.big);
    }
  }
}

export type DayBatches = Record<TableKey, RowBatch>;

const S_MAX = 3600;

/** One pod's ten measures for one row, left-to-right as nise multiplies them. */
function podValues(e: PodEntity, S: PyNum, cpu: PyNum, mem: PyNum): (PyNum | null)[] {
  return [
    pyMul(S, cpu),
    pyMul(S, pyMin(e.cpuRequest, e.cpuLimit)),
    pyMul(S, e.cpuLimit),
    pyMul(pyMul(S, mem), GIB),
    pyMul(pyMul(S, pyMin(e.memRequestGig, e.memLimitGig)), GIB),
    pyMul(pyMul(S, e.memLimitGig), GIB),
    e.capCores,
    e.capCoreSeconds,
    e.capMemBytes,
    e.capMemByteSeconds,
  ];
}

function storageValues(e: StorageEntity, u: PyNum | null): (PyNum | null)[] {
  const usage = e.claimless || u === null ? null : pyMul(pyMul(u, GIB), pyInt(3600));
  return [e.capacityBytes, e.capacityByteSeconds, e.requestByteSeconds, usage];
}

/**
 * Generate the rows of one generator instance for the given hours of ONE day (hour-major,
 * entity-minor, as nise does). `base` = the instance's first entity index per type.
 */
export function generateDay(
  inst: GeneratorInstance,
  base: Record<TableKey, number>,
  hours: number[],
  day: number,
  periodStart: number,
  periodEnd: number,
  rng: Prng,
): DayBatches {
  const H = hours.length;
  const out = {} as DayBatches;
  const counts: Record<TableKey, number> = {
    pod: inst.pods.length,
    storage: inst.storage.length,
    nodeLabels: inst.nodes.length,
    namespaceLabels: inst.namespaces.length,
  };
  for (const t of TABLE_KEYS) out[t] = new RowBatch(t, H * counts[t], periodStart, periodEnd);

  // pods: values fixed for the day when pod_seconds and both usages are given (and truthy)
  const pb = out.pod;
  const fixed: ((PyNum | null)[] | null)[] = inst.pods.map((e) => {
    const cu = usageFor(e.cpuUsage, day);
    const mu = usageFor(e.memUsageGig, day);
    if (!e.podSeconds || !cu || !cu.v || !mu || !mu.v) return null;
    return podValues(e, e.podSeconds, pyMin(e.cpuLimit, cu), pyMin(e.memLimitGig, mu));
  });
  const cpuDay = inst.pods.map((e) => usageFor(e.cpuUsage, day));
  const memDay = inst.pods.map((e) => usageFor(e.memUsageGig, day));
  let r = 0;
  const all = inst.pods.map((_, i) => i);
  for (let h = 0; h < H; h++) {
    let which = all;
    if (inst.randomPodSubset && all.length >= 2) {
      // nise random mode: k = randint(2, n); set(choices(range(n), k)) (taken here in ascending order)
      const k = rng.randint(2, all.length);
      const picked = new Set<number>();
      for (let c = 0; c < k; c++) picked.add(Math.floor(rng.random() * all.length));
      which = [...picked].sort((a, b) => a - b);
    }
    for (const i of which) {
      pb.intervalStart[r] = hours[h];
      pb.entity[r] = base.pod + i;
      let vals = fixed[i];
      if (vals === null) {
        const e = inst.pods[i];
        const S = e.podSeconds ?? pyInt(rng.randint(2, S_MAX));
        const cu = cpuDay[i];
        const mu = memDay[i];
        const cpu = cu && cu.v ? pyMin(e.cpuLimit, cu) : pyRound(rng.uniform(0.02, e.cpuLimit.v), 5);
        const mem = mu && mu.v ? pyMin(e.memLimitGig, mu) : pyRound(rng.uniform(1, e.memLimitGig.v), 2);
        vals = podValues(e, S, cpu, mem);
      }
      for (let k = 0; k < 10; k++) pb.setMeasure(r, k, vals[k]);
      r++;
    }
  }
  pb.n = r;

  const sb = out.storage;
  const sFixed = inst.storage.map((e) => {
    if (e.claimless) return storageValues(e, null);
    const u = usageFor(e.usageGig, day);
    return u && u.v ? storageValues(e, u.v > e.capacityGig.v ? e.capacityGig : u) : null;
  });
  r = 0;
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < inst.storage.length; i++, r++) {
      sb.intervalStart[r] = hours[h];
      sb.entity[r] = base.storage + i;
      let vals = sFixed[i];
      if (vals === null) {
        const e = inst.storage[i];
        vals = storageValues(e, pyRound(rng.uniform(2.0, e.capacityGig.v), 2));
      }
      for (let k = 0; k < 4; k++) sb.setMeasure(r, k, vals[k]);
    }
  }
  sb.n = r;

  for (const t of ["nodeLabels", "namespaceLabels"] as const) {
    const b = out[t];
    const c = counts[t];
    r = 0;
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < c; i++, r++) {
        b.intervalStart[r] = hours[h];
        b.entity[r] = base[t] + i;
      }
    }
    b.n = r;
  }
  return out;
}

/** Split a generator's hours into days (UTC). */
export function hoursByDay(hours: number[]): { day: number; hours: number[] }[] {
  const out: { day: number; hours: number[] }[] = [];
  for (const h of hours) {
    const day = Math.floor(h / 86_400_000) * 86_400_000;
    const last = out[out.length - 1];
    if (last && last.day === day) last.hours.push(h);
    else out.push({ day, hours: [h] });
  }
  return out;
}

