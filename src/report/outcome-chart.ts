// limits_outcome.svg: the outcome of every size and mode under each limit, one row per (mode,
// limit) and one column per size (smallest first): PASS green, OOM red and marked "OOM", TIMEOUT
// orange, FAIL or ERROR grey; every cell carries its peak. Nothing is left blank that ran.
import { escapeXml } from "./charts.ts";
import { limitCells, type LimitCell } from "./limits-frontier.ts";
import type { RunReport } from "../records/run-report.ts";
import { formatLimitBytes } from "../limits/limit-settings.ts";
import { compact } from "../stats/number-text.ts";

const FILL: Record<LimitCell["outcome"], string> = { PASS: "#2ca02c", OOM: "#d62728", TIMEOUT: "#ff7f0e", FAIL: "#7f7f7f", ERROR: "#7f7f7f" };
const CELL_W = 92;
const CELL_H = 40;
const LEFT = 190;
const TOP = 64;

export function outcomeChartSvg(report: RunReport): string {
  const cells = limitCells(report);
  const sizes = [...new Set(cells.map((c) => c.rows))].sort((a, b) => a - b);
  const rowKey = (c: LimitCell) => `${c.mode} · ${c.memoryLimitBytes === null ? "guard" : formatLimitBytes(c.memoryLimitBytes)}${c.cpus !== null ? ` · ${c.cpus} CPU` : ""}`;
  const rows = [...new Set(cells.map(rowKey))];
  const width = LEFT + Math.max(1, sizes.length) * CELL_W + 20;
  const height = TOP + Math.max(1, rows.length) * CELL_H + 50;
  const o: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Outcome by size and mode under the limits</text>`,
    `<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">green PASS · red OOM (killed at the cap) · orange TIMEOUT · grey FAIL/ERROR; peak memory in each cell; blank: not measured under that limit</text>`,
  ];
  sizes.forEach((size, i) => {
    o.push(`<text x="${LEFT + i * CELL_W + CELL_W / 2}" y="${TOP + rows.length * CELL_H + 18}" text-anchor="middle">${escapeXml(compact(size))}</text>`);
  });
  o.push(`<text x="${LEFT + (sizes.length * CELL_W) / 2}" y="${height - 10}" text-anchor="middle" fill="#555">pod usage rows</text>`);
  rows.forEach((name, j) => {
    const y = TOP + j * CELL_H;
    o.push(`<text x="${LEFT - 8}" y="${y + CELL_H / 2 + 4}" text-anchor="end">${escapeXml(name)}</text>`);
    for (const cell of cells.filter((c) => rowKey(c) === name)) {
      const x = LEFT + sizes.indexOf(cell.rows) * CELL_W;
      o.push(`<rect x="${x + 1}" y="${y + 1}" width="${CELL_W - 2}" height="${CELL_H - 2}" fill="${FILL[cell.outcome]}"><title>${escapeXml(`${cell.scale} ${cell.mode}: ${cell.outcome}, peak ${Math.round(cell.peakMemoryMb)} MB`)}</title></rect>`);
      o.push(`<text x="${x + CELL_W / 2}" y="${y + 17}" text-anchor="middle" fill="white" font-weight="bold">${cell.outcome}</text>`);
      o.push(`<text x="${x + CELL_W / 2}" y="${y + 31}" text-anchor="middle" fill="white">${Math.round(cell.peakMemoryMb)} MB</text>`);
    }
  });
  o.push("</svg>");
  return o.join("\n") + "\n";
}
