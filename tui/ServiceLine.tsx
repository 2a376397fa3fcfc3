import { Text } from "ink";
import { fit, formatSeconds } from "./terminal-text.ts";
import type { ServiceStatus } from "./state.ts";
import { useTone } from "./theme.ts";

export interface ServiceLineProps {
  services: ServiceStatus[];
  now: number;
  width: number;
}

const NAMES = { s3: "S3", postgres: "PostgreSQL" } as const;

/** Before the first phase: what is starting (S3, PostgreSQL), and what is ready, in how long. */
export function ServiceLine({ services, now, width }: ServiceLineProps) {
  const tone = useTone();
  const parts = services.map((s) => {
    const took = formatSeconds((s.durationMs ?? Math.max(0, now - s.since)) / 1000);
    if (s.state === "starting") return { text: `${NAMES[s.service]}: starting ${s.detail}… ${took}`, color: undefined };
    if (s.state === "connecting") return { text: `${NAMES[s.service]}: connecting to ${s.detail}… ${took}`, color: undefined };
    if (s.state === "ready") return { text: `${NAMES[s.service]} ready in ${took}`, color: tone("ok") };
    return { text: `${NAMES[s.service]} failed: ${s.detail}`, color: tone("bad") };
  });
  const all = parts.map((p) => p.text).join(" · ");
  if (all.length > width) return <Text wrap="truncate-end">{fit(all, width)}</Text>;
  return (
    <Text wrap="truncate-end">
      {parts.map((p, i) => (
        <Text key={i} color={p.color}>
          {i > 0 ? " · " : ""}
          {p.text}
        </Text>
      ))}
    </Text>
  );
}
