/**
 * A Redis server of the tests' own: Debian's redis-server on 127.0.0.1 and a free port, no RDB
 * snapshots, append-only file on or off as the test needs, noeviction; stopped by the test.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer, connect } from "node:net";

/** Why redis-server cannot be used here, or null. */
export function redisMissing(): string | null {
  const r = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  return r.status === 0 ? null : "redis-server is not installed (Debian package redis-server)";
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING. */
async function ready(port: number, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("error", () => resolve(false));
      s.once("connect", () => s.write("PING\r\n"));
      s.once("data", (d) => {
        s.destroy();
        resolve(d.toString().startsWith("+PONG"));
      });
    });
    if (ok) return;
    if (Date.now() - t0 > timeoutMs) throw new Error(`redis-server on port ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class RedisServer {
  private child: ChildProcess | null = null;

  constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly appendonly: boolean,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = [
      "--port",
      String(this.port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      this.appendonly ? "yes" : "no",
    ];
    args.push("--maxmemory-policy", "noeviction", "--dir", this.dir, "--daemonize", "no");
    this.child = spawn("redis-server", args, { stdio: "ignore" });
    await ready(this.port);
  }

  /** SIGKILL: whatever was not persisted is gone. */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.kill("SIGKILL");
    });
    this.child = null;
  }
}

export async function startRedis(dir: string, appendonly = false): Promise<RedisServer> {
  const r = new RedisServer(await freePort(), dir, appendonly);
  await r.start();
  return r;
}
