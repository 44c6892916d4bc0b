// A stand-in for slant that measures the page alone: it serves web/ and speaks the API of
// docs/api.md (/api/view, /api/logs, /api/trigger, /ws/view) for 500 resources, streaming
// RATE log lines a second over the WebSocket, at almost no cost of its own. With it, the load
// test's numbers are the browser's, whatever the machine does to a Debug slant.

"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");

const kWeb = path.join(__dirname, "..", "..", "web");
const kTypes = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml" };
const kQueueCap = 8 << 20; // what slant queues per client before a resync

function frame(text) {
  const payload = Buffer.from(text);
  const n = payload.length;
  let head;
  if (n < 126) head = Buffer.from([0x81, n]);
  else if (n < 65536) head = Buffer.from([0x81, 126, n >> 8, n & 255]);
  else {
    head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 127;
    head.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([head, payload]);
}

function resource(name, labels, extra = {}) {
  const now = new Date().toISOString();
  return {
    name, type: name === "(Tiltfile)" ? "tiltfile" : "local", labels, resource_deps: [],
    trigger_mode: "auto", auto_init: true, disabled: false, update_status: "ok",
    runtime_status: "not_applicable", ready: true, waiting: null, queued: false, pending_files: [],
    current_build: null,
    build_history: [{ start_time: now, finish_time: now, error: "", reason: "Initial Build", edits: [] }],
    links: [], runtime: null, error: "", ...extra,
  };
}

/** Starts the feed; resolves to {url, close()}. */
async function startFeed({ rate = 10000, resources = 500, loud = 10, batch = false } = {}) {
  const start = new Date().toISOString();
  const res = new Map();
  res.set("(Tiltfile)", resource("(Tiltfile)", []));
  for (let i = 0; i < resources - loud - 1; i++) {
    const name = "svc-" + String(i).padStart(3, "0");
    res.set(name, resource(name, ["group-" + (i % 10)]));
  }
  for (let i = 0; i < loud; i++) {
    res.set("loud-" + i, resource("loud-" + i, ["loud"], { runtime_status: "ok" }));
  }
  res.set("probe", resource("probe", ["aaa-probe"], { trigger_mode: "manual" }));

  const lines = []; // the last lines, for /api/logs
  let seq = 0;
  const clients = new Set();
  const view = () => ({
    session: { tiltfile: "/feed/Tiltfile", mode: "up", start_time: start, args: [], tiltfile_error: "",
      last_seq: seq, log_dropped: 0 },
    resources: [...res.values()],
  });
  const send = (c, obj) => {
    if (c.overflowed) return;
    if (c.socket.writableLength > kQueueCap) {
      c.overflowed = true;
      c.socket.once("drain", () => {
        c.overflowed = false;
        c.socket.write(frame(JSON.stringify({ type: "view", view: view(), last_seq: seq, resync: true })));
      });
      return;
    }
    c.socket.write(frame(JSON.stringify(obj)));
  };
  const broadcast = (obj) => {
    for (const c of clients) send(c, obj);
  };
  const changed = (name) => broadcast({ type: "resource", resource: res.get(name) });

  let n = 0;
  const t0 = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - t0) / 1000) * rate);
    const tick = [];
    while (n < due) {
      n++;
      const r = "loud-" + (n % loud);
      let text;
      if (n % 10 === 0) text = `\x1b[32m${r}\x1b[0m line ${n}: \x1b[1;33mwarm\x1b[0m request GET /api/items?page=${n % 97} took ${n % 13}ms`;
      else if (n % 7 === 0) text = `${r} line ${n}: ` + "lorem ipsum dolor sit amet ".repeat(6);
      else text = `${r} line ${n}: handled request ${n % 1000}`;
      const line = { seq: ++seq, time: new Date().toISOString(), resource: r, source: "runtime", level: "info", text };
      lines.push(line);
      if (lines.length > 30000) lines.splice(0, 10000);
      if (batch) tick.push(line);
      else broadcast({ type: "log", line });
    }
    // batch: the lines of one 10 ms tick in one message, as a server that batches would send.
    if (tick.length) broadcast({ type: "logs", lines: tick });
  }, 10);

  const server = http.createServer((req, resp) => {
    const url = new URL(req.url, "http://x");
    const json = (obj) => {
      resp.writeHead(200, { "Content-Type": "application/json" });
      resp.end(JSON.stringify(obj));
    };
    if (url.pathname === "/api/view") return json(view());
    if (url.pathname === "/api/logs") {
      const after = Number(url.searchParams.get("after") || 0);
      return json({ lines: lines.filter((l) => l.seq > after), last_seq: seq, dropped: 0 });
    }
    if (url.pathname === "/api/trigger" && req.method === "POST") {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        const name = JSON.parse(body).manifest_names[0];
        const r = res.get(name);
        const startTime = new Date().toISOString();
        r.update_status = "in_progress";
        r.current_build = { start_time: startTime, reason: "Manual Trigger", edits: [] };
        changed(name);
        setTimeout(() => {
          r.update_status = "ok";
          r.current_build = null;
          r.build_history.unshift({ start_time: startTime, finish_time: new Date().toISOString(), error: "", reason: "Manual Trigger", edits: [] });
          r.build_history.length = Math.min(r.build_history.length, 10);
          changed(name);
        }, 50);
        json({});
      });
      return;
    }
    const file = url.pathname === "/" ? "/index.html" : url.pathname;
    const p = path.join(kWeb, path.normalize(file));
    if (!p.startsWith(kWeb) || !fs.existsSync(p)) {
      resp.writeHead(404);
      return resp.end();
    }
    resp.writeHead(200, { "Content-Type": kTypes[path.extname(p)] || "application/octet-stream",
      "Set-Cookie": "slant-token=feed; SameSite=Strict; HttpOnly; Path=/" });
    resp.end(fs.readFileSync(p));
  });
  server.on("upgrade", (req, socket) => {
    const accept = crypto.createHash("sha1")
      .update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const c = { socket, overflowed: false };
    clients.add(c);
    socket.on("data", () => {}); // pings and a close: ignored, as slant does
    socket.on("close", () => clients.delete(c));
    socket.on("error", () => clients.delete(c));
    socket.write(frame(JSON.stringify({ type: "view", view: view(), last_seq: seq })));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close() {
      clearInterval(timer);
      for (const c of clients) c.socket.destroy();
      server.close();
    },
  };
}

module.exports = { startFeed };
