// Network helpers shared by the tests of every area (db, storage, ...).
import net from "node:net";

/** A 127.0.0.1 port with nothing listening (bound, then released): connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
