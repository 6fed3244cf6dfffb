/**
 * Item 5 — sizes are bounded before anything is allocated, special files are never read, archives
 * cannot inflate without limit, and SIGTERM stops a command that is still preparing.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeNpy } from "../../../src/io/npy.ts";
import { readNpz } from "../../../src/io/npz.ts";
import { writeZip } from "../../../src/io/zip.ts";
import { InputError } from "../../../src/errors.ts";
import { runCliInProcess } from "../../cli/helpers.ts";
import { attack } from "./harness.ts";
import { RUN, scratch, startCli, withStore } from "./helpers.ts";

const dir = scratch();

async function refusedQuickly(args: string[], pattern: RegExp): Promise<void> {
  const t0 = performance.now();
  const r = await runCliInProcess(args);
  const ms = performance.now() - t0;
  assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, pattern);
  assert.ok(ms < 5000, `refused after ${ms.toFixed(0)} ms, before doing the work`);
}

attack(
  "item 5: absurd sizes in a run config are refused before allocating, naming the field (and the memory)",
  async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      [
        "width 1e9",
        { model: { arch: "mlp", sizes: [2, 1e9, 2] } },
        /model\.sizes\.1: Too big: expected number to be <=10000000/,
      ],
      [
        "1e9 parameters",
        { model: { arch: "mlp", sizes: [2, 1e6, 1000, 2] } },
        /model: sizes: the model would have 1\.00e\+9 parameters, about 44\.\d GiB of memory to train/,
      ],
      [
        "layers 1e8",
        { model: { arch: "transformer", vocab: 8, seq: 4, d: 8, heads: 2, dHead: 4, layers: 1e8, mlp: 16 } },
        /model\.layers: Too big/,
      ],
      ["n 1e12", { data: { name: "two-moons", n: 1e12 } }, /data\.n: Too big/],
      [
        "data of 75 GiB",
        { data: { name: "gaussian-mixture", n: 1e7, dim: 1000 }, model: { arch: "mlp", sizes: [1000, 8, 3] } },
        /data\.n: training would need about 74\.\d GiB of memory .*the limit is 16\.0 GiB/,
      ],
      [
        "batch of 1e8",
        { batchSize: 1e8, replacement: true, model: { arch: "mlp", sizes: [2, 1000, 2] } },
        /batchSize × model \(sizes\): training would need about 2\.\d TiB/,
      ],
      ["epochs 1e300", { steps: undefined, epochs: 1e300 }, /epochs: Too big/],
      ["steps 1e15", { steps: 1e15 }, /steps: Too big/],
      ["innerSteps 1e9", { optimizer: { name: "entropy-sgd", innerSteps: 1e9 } }, /optimizer\.innerSteps: Too big/],
    ];
    for (const [name, over, pattern] of cases) {
      const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
      writeFileSync(file, JSON.stringify({ ...RUN, ...over }));
      const store = join(dir, "sizes.db");
      await refusedQuickly(["train", "--config", file, "--store", store, "--quiet"], pattern);
      assert.ok(!existsSync(store) || withStore(store, (s) => s.listRuns().length) === 0, `${name}: no run created`);
    }
    await refusedQuickly(
      ["pde", "burgers", "--ic", "sine", "--cells", "1e12", "--t", "1"],
      /--cells: expected an integer in \[1, 10000000\], got 1000000000000/,
    );
  },
);

attack(
  "item 5: special files as inputs — /dev/zero as weights, config, data or initial state, a FIFO — are refused at once",
  async () => {
    const model = join(dir, "m.json");
    writeFileSync(model, JSON.stringify({ arch: "mlp", sizes: [2, 2] }));
    const fifo = join(dir, "in.fifo");
    execFileSync("mkfifo", [fifo]);
    const device = /\/dev\/zero is a character device; expected a regular file/;
    await refusedQuickly(["eval", "--model", model, "--weights", "/dev/zero", "--data", "/dev/zero"], device);
    await refusedQuickly(["eval", "--model", "/dev/zero", "--weights", fifo, "--data", fifo], device);
    await refusedQuickly(
      ["eval", "--model", model, "--weights", fifo, "--data", fifo],
      /in\.fifo is a FIFO \(named pipe\); expected a regular file/,
    );
    await refusedQuickly(["train", "--config", "/dev/zero", "--store", join(dir, "dz.db")], device);
    await refusedQuickly(["pde", "hj", "--ic", "file:/dev/zero", "--cells", "8", "--t", "1"], device);
    await refusedQuickly(
      ["runs", "list", "--store", fifo],
      /store .*in\.fifo is a FIFO \(named pipe\); expected a SQLite file/,
    );
    await refusedQuickly(["train", "--config", model, "--store", fifo], /--store .*in\.fifo is a FIFO \(named pipe\)/);
  },
);

/**
 * An .npz of `members` copies of one deflated .npy of `bytesPerMember` bytes: a few MB on disk
 * claiming members × bytesPerMember once inflated (built from one compressed member, so it is cheap).
 */
function npzBomb(members: number, bytesPerMember: number): Uint8Array {
  const npy = encodeNpy({ dtype: "F64", shape: [bytesPerMember / 8], data: new Float64Array(bytesPerMember / 8) });
  const one = writeZip([{ name: "m000.npy", data: npy }], { compress: true });
  const v = new DataView(one.buffer, one.byteOffset, one.byteLength);
  const csize = v.getUint32(18, true);
  const localLen = 30 + 8 + csize;
  const local = one.subarray(0, localLen);
  const central = one.subarray(localLen, localLen + 46 + 8);
  const name = (i: number) => new TextEncoder().encode(`m${String(i).padStart(3, "0")}.npy`);
  const out = new Uint8Array(members * (localLen + central.length) + 22);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < members; i++) {
    out.set(local, i * localLen);
    out.set(name(i), i * localLen + 30);
    const c = members * localLen + i * central.length;
    out.set(central, c);
    out.set(name(i), c + 46);
    ov.setUint32(c + 42, i * localLen, true);
  }
  const eocd = members * (localLen + central.length);
  ov.setUint32(eocd, 0x06054b50, true);
  ov.setUint16(eocd + 8, members, true);
  ov.setUint16(eocd + 10, members, true);
  ov.setUint32(eocd + 12, members * central.length, true);
  ov.setUint32(eocd + 16, members * localLen, true);
  return out;
}

attack("item 5: a 2 MB .npz that would inflate to 3.2 GB is refused before inflating a byte", () => {
  const file = join(dir, "bomb.npz");
  const bomb = npzBomb(200, 16 * 2 ** 20);
  writeFileSync(file, bomb);
  assert.ok(bomb.length < 4e6, `${bomb.length} bytes on disk`);
  const rss = process.memoryUsage().rss;
  const t0 = performance.now();
  assert.throws(
    () => readNpz(file),
    (e: unknown) =>
      e instanceof InputError &&
      /npz file .*bomb\.npz would inflate to 3\.1 GiB, more than the 1\.0 GiB allowed/.test(e.message),
  );
  assert.ok(performance.now() - t0 < 2000);
  assert.ok(process.memoryUsage().rss - rss < 256 * 2 ** 20, "nothing was inflated");
  // A small archive of the same construction still reads (the cap, not the construction, refuses).
  assert.equal(readNpz(writeFileReturn(join(dir, "ok.npz"), npzBomb(3, 2 ** 16))).size, 3);
});

function writeFileReturn(path: string, bytes: Uint8Array): string {
  writeFileSync(path, bytes);
  return path;
}

attack(
  "item 5: SIGTERM while a big data set is being prepared stops the process at once, creating no run",
  async () => {
    const cfg = join(dir, "big-data.json");
    writeFileSync(
      cfg,
      JSON.stringify({ ...RUN, data: { name: "gaussian-mixture", n: 1e6 }, model: { arch: "mlp", sizes: [2, 8, 3] } }),
    );
    const store = join(dir, "big.db");
    const child = startCli(["train", "--config", cfg, "--store", store, "--quiet"]);
    const t0 = Date.now();
    while (!existsSync(store)) {
      assert.ok(Date.now() - t0 < 60_000, "the store never appeared");
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300)); // now inside data generation (seconds long)
    const killedAt = Date.now();
    child.child.kill("SIGTERM");
    const r = await child.done;
    assert.equal(r.signal, "SIGTERM", `exit ${r.code}: ${r.stderr}`);
    assert.ok(Date.now() - killedAt < 2000, `took ${Date.now() - killedAt} ms to stop`);
    assert.equal(
      withStore(store, (s) => s.listRuns().length),
      0,
    );
  },
);
