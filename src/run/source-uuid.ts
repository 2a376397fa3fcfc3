// Each (scale, mode, dataset) writes under its own source_uuid, the same one every run, so a rerun
// replaces its rows instead of adding to them. Name-based, like a UUID v5, from SHA-256.
import { createHash } from "node:crypto";

export function uuidFromName(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex").slice(0, 32).split("");
  hex[12] = "5";
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Per (scale, mode) and per dataset (its own source UUID), so another dataset's rows never mix in. */
export function sourceUuidFor(scale: string, mode: string, dataSourceUuid: string): string {
  return uuidFromName(`streambench/${scale}/${mode}/${dataSourceUuid}`);
}
