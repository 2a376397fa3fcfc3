// A TCP proxy on 127.0.0.1 that the test controls: it forwards to an upstream port until it
// stalls, then holds every connection open and forwards nothing more either way, as a stopped
// server or a dead middlebox would (no reset, no close: the client sees silence). It stalls on
// stall(), or when the clients have sent a given text for the n-th time (that message is not
// forwarded), so a test can stop the server at an exact statement.
import net from "node:net";

export interface TcpProxy {
  port: number;
  /** Stops forwarding on every connection, open and future. */
  stall(): void;
  /** Stall when the clients send `text` for the `nth` time; resolves then. */
  stallAt(text: string, nth: number): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let stalled = false;
  let trigger: { text: string; left: number; fire(): void } | undefined;
  const check = (chunk: Buffer) => {
    if (!trigger || !chunk.toString("latin1").includes(trigger.text) || --trigger.left > 0) return;
    stalled = true;
    trigger.fire();
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(upstreamPort, upstreamHost);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
    const forward = (from: net.Socket, to: net.Socket) => from.on("data", (chunk) => (stalled ? undefined : to.write(chunk)));
    client.on("data", check); // added first: runs before the forwarding listener below
    forward(client, upstream);
    forward(upstream, client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stall() {
      stalled = true;
    },
    stallAt: (text, nth) => new Promise<void>((fire) => (trigger = { text, left: nth, fire })),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
