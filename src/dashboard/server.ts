/**
 * `shocklens serve`: the local dashboard (docs/dashboard.md). A node:http server over a read-only
 * store connection: the pages and their scripts (in memory, see ./assets.ts), the JSON API
 * (./api.ts), live updates by server-sent events (./live.ts), reports and CSV exports built on
 * request. Bound to 127.0.0.1 unless told otherwise. Every request is answered: a malformed one
 * with a 4xx and a one-line JSON message, a failure with 500 — the server itself never goes down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { csvField, csvNumber } from "../store/export.ts";
import { buildReport, ReadOnlyStore } from "../report/index.ts";
import { aggregateSeries, groups, HttpError, listRuns, runDetail, runId, series } from "./api.ts";
import { type Asset, loadAssets } from "./assets.ts";
import { SeriesCache } from "./cache.ts";
import { streamRun } from "./live.ts";
import { modelSlice } from "./slices.ts";

export interface DashboardOptions {
  store: string;
  port?: number;
  host?: string;
  /** Live-update poll interval (ms). */
  liveIntervalMs?: number;
}

export interface Dashboard {
  url: string;
  server: Server;
  close(): Promise<void>;
}

const MAX_URL = 8192;
const MAX_LIVE = 64;

const PAGES: Record<string, string> = { "/": "index.html", "/index.html": "index.html", "/explore": "explore.html" };

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  "content-security-policy":
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'",
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head = false): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...SECURITY_HEADERS,
  });
  res.end(head ? undefined : body);
}

function json(res: ServerResponse, status: number, value: unknown, head = false): void {
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value), head);
}

/** Splits /a/b/c into decoded segments; a malformed escape is a 400. */
function segments(pathname: string): string[] {
  return pathname
    .split("/")
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new HttpError(400, "malformed percent-encoding in the path");
      }
    });
}

export async function startDashboard(o: DashboardOptions): Promise<Dashboard> {
  const reader = ReadOnlyStore.open(o.store);
  const assets: Map<string, Asset> = loadAssets();
  const cache = new SeriesCache(reader);
  let live = 0;

  const route = (req: IncomingMessage, res: ServerResponse): void => {
    if (req.httpVersionMajor !== 1) throw new HttpError(400, `HTTP/${req.httpVersion} is not spoken here`);
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.setHeader("allow", "GET, HEAD");
      throw new HttpError(405, `method ${req.method} not allowed`);
    }
    if (req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) !== 0)
      throw new HttpError(400, "a GET request carries no body");
    const rawUrl = req.url ?? "/";
    if (rawUrl.length > MAX_URL) throw new HttpError(414, `URL longer than ${MAX_URL} characters`);
    if (!rawUrl.startsWith("/")) throw new HttpError(400, "the request target must be a path");
    let url: URL;
    try {
      url = new URL(`http://localhost${rawUrl}`); // never read as a network-path reference ("//host/…")
    } catch {
      throw new HttpError(400, "malformed URL");
    }
    const q = url.searchParams;
    if (url.pathname === "/favicon.ico") return void res.writeHead(204, SECURITY_HEADERS).end();
    const page = PAGES[url.pathname];
    if (page) {
      const a = assets.get(page)!;
      return send(res, 200, a.type, a.body, head);
    }
    const seg = segments(url.pathname);
    if (seg[0] === "assets" && seg.length === 2) {
      // exact names only: the map holds the built files and nothing else
      const a = assets.get(seg[1]);
      if (!a) throw new HttpError(404, "no such asset");
      return send(res, 200, a.type, a.body, head);
    }
    if (seg[0] === "api") {
      if (seg[1] === "runs" && seg.length === 2) return json(res, 200, listRuns(reader, q), head);
      if (seg[1] === "groups" && seg.length === 2) return json(res, 200, groups(reader, q), head);
      if (seg[1] === "aggregate" && seg.length === 2) return json(res, 200, aggregateSeries(reader, cache, q), head);
      if (seg[1] === "runs" && seg.length === 3) return json(res, 200, runDetail(reader, seg[2]), head);
      if (seg[1] === "runs" && seg.length === 4 && seg[3] === "series")
        return json(res, 200, series(reader, cache, seg[2], q), head);
      if (seg[1] === "runs" && seg.length === 4 && seg[3] === "slice")
        return json(res, 200, modelSlice(reader, runId(reader, seg[2]), q), head);
      if (seg[1] === "runs" && seg.length === 4 && seg[3] === "live") {
        const id = runId(reader, seg[2]);
        if (live >= MAX_LIVE) throw new HttpError(503, "too many live connections");
        live++;
        res.on("close", () => live--);
        const since = q.get("since");
        streamRun(reader, id, res, since === null ? -Infinity : Number(since) || -Infinity, {
          intervalMs: o.liveIntervalMs,
        });
        return;
      }
    }
    if (seg[0] === "runs" && seg.length === 3) {
      const id = runId(reader, seg[1]);
      if (seg[2] === "report.html") {
        const built = buildReport(reader, id, { analysis: q.get("analysis") === "1" });
        return send(res, 200, "text/html; charset=utf-8", built.html, head);
      }
      if (seg[2] === "export.csv") return exportCsv(res, id, head);
    }
    throw new HttpError(404, "not found");
  };

  const exportCsv = (res: ServerResponse, id: string, head: boolean): void => {
    res.writeHead(200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${id}.csv"`,
      ...SECURITY_HEADERS,
    });
    if (head) return void res.end();
    res.write("run,key,step,wall_time,value\n");
    const rows: string[] = [];
    for (const p of reader.iterScalars(id)) {
      rows.push(`${csvField(id)},${csvField(p.key)},${p.step},${p.wallTime},${csvNumber(p.value)}\n`);
      if (rows.length === 4096) res.write(rows.splice(0).join(""));
    }
    res.end(rows.join(""));
  };

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return json(res, err.status, { error: err.message });
      json(res, 500, { error: (err as Error).message ?? String(err) });
    }
  });
  // slow or stalled clients cannot hold the server: headers within 10 s, the whole request within 30 s
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  server.maxHeadersCount = 100;
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  const host = o.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 6006, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shownHost}:${addr.port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          reader.close();
          resolve();
        });
      }),
  };
}
