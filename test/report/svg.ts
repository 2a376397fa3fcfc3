// A minimal XML well-formedness check for the charts: every tag closes in order, attributes are
// quoted, and text holds no raw "<" or stray "&".
export function checkWellFormed(svg: string): { ok: true; tags: string[] } | { ok: false; error: string } {
  const stack: string[] = [];
  const tags: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(svg)) !== null) {
    const between = svg.slice(last, m.index);
    if (/[<>]/.test(between)) return { ok: false, error: `stray markup before offset ${m.index}: ${between.slice(0, 40)}` };
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(between)) return { ok: false, error: `unescaped & before offset ${m.index}` };
    last = re.lastIndex;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (open !== name) return { ok: false, error: `</${name}> closes <${open}>` };
    } else {
      tags.push(name);
      if (!selfClosing) stack.push(name);
    }
  }
  if (svg.slice(last).trim() !== "") return { ok: false, error: "text after the last tag" };
  if (stack.length > 0) return { ok: false, error: `unclosed <${stack.join("> <")}>` };
  if (tags[0] !== "svg") return { ok: false, error: "root is not <svg>" };
  return { ok: true, tags };
}
