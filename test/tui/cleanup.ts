// Unmount what a test rendered, so a failing assertion does not leave ink running.
const mounted: { unmount(): void }[] = [];

export function cleanup(): void {
  for (const m of mounted.splice(0)) {
    try {
      m.unmount();
    } catch {
      // already unmounted
    }
  }
}
cleanup.track = (m: { unmount(): void }) => {
  mounted.push(m);
};
