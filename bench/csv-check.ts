// The cost of the structural CSV check (pipelines/csv-check.ts) the polars modes run before
// reading CSV input, against polars' own eager read of the same files. Prints median (min-max) of
// N interleaved runs. Usage: node --import tsx bench/csv-check.ts DIR [N]
import pl from "nodejs-polars";
import { checkCsvFiles } from "../pipelines/csv-check.ts";
import { csvSchema, discoverCsv } from "../pipelines/read-inputs.ts";
import { TABLE_KEYS } from "../src/contract/input-tables.ts";

const dir = process.argv[2];
const n = Number(process.argv[3] ?? 5);
if (!dir) throw new Error("usage: bench/csv-check.ts DIR [N]");
const files = discoverCsv(dir);
const check: number[] = [];
const read: number[] = [];
const checkCpu: number[] = [];
let rows = 0;
for (let r = 0; r < n; r++) {
  let t = performance.now();
  const c0 = process.cpuUsage();
  const counts = checkCsvFiles(files);
  const c1 = process.cpuUsage(c0);
  check.push(performance.now() - t);
  checkCpu.push((c1.user + c1.system) / 1000);
  rows = Object.values(counts).reduce((a, b) => a + b, 0);
  t = performance.now();
  for (const key of TABLE_KEYS) for (const f of files[key]) pl.readCSV(f.path, { schema: csvSchema(f.path, key), hasHeader: true });
  read.push(performance.now() - t);
}
const fmt = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 2)].toFixed(0)} ms (${s[0].toFixed(0)}-${s[s.length - 1].toFixed(0)})`;
};
console.log(`${rows.toLocaleString("en-US")} rows, ${n} runs each, interleaved`);
console.log(`csv-check:          ${fmt(check)} wall, ${fmt(checkCpu)} CPU (one thread)`);
console.log(`polars readCSV:     ${fmt(read)} wall (multi-threaded)`);
