#!/usr/bin/env node
// The web UI under load: 500 local resources and a log stream of RATE lines a second (10 serve_cmds
// printing RATE/10 each), for DURATION seconds on the overview and DURATION seconds on the log
// of every resource. Measures in the browser the frame times (deltas between animation frames:
// p50/p95/p99/max, frames over 50 ms, long tasks), the time from a click on a trigger button to
// the status pill changing, how many lines a second reached the page, and its JS heap.
//
// Usage: node bench/ui/load.js PATH_TO_SLANT  (bench/ui/run.sh passes it; env DURATION, RATE)
//        node bench/ui/load.js --feed       the page alone, fed by feed.js instead of slant
//                                           (BATCH=1: several lines per WebSocket message)
//        node bench/ui/load.js --tiltfile   prints the Tiltfile; to measure a slant already
//        running it, set BENCH_URL=http://127.0.0.1:PORT (PATH_TO_SLANT is then ignored)

"use strict";

const path = require("node:path");
const harness = require("../../tests/ui/harness.js");
const { missingPrerequisites, until, sleep, Project, Slant, Browser } = harness;

const slantBinary = process.argv[2];
// --feed: the page alone, fed by feed.js (a stand-in for slant) instead of a real slant.
const useFeed = slantBinary === "--feed";
const duration = Number(process.env.DURATION || 60);
const rate = Number(process.env.RATE || 10000);
const kLoud = 10;
const kResources = 500;

function tiltfile() {
  const loud = path.join(__dirname, "loud.py");
  const quiet = kResources - kLoud - 1;
  return `
for i in range(${quiet}):
    local_resource('svc-' + ('00' + str(i))[-3:], cmd='true', labels=['group-%d' % (i % 10)])
for i in range(${kLoud}):
    local_resource('loud-%d' % i, serve_cmd='python3 -u ${loud} ${rate / kLoud} loud-%d' % i, labels=['loud'])
# The trigger's target runs for a second, so that its "updating" pill is on screen long enough
# to be seen: a command that ends at once can go from ok to ok between two flushes of the stream.
local_resource('probe', cmd='sleep 1', trigger_mode=TRIGGER_MODE_MANUAL, labels=['aaa-probe'])
`;
}

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const q = (p) => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))] : NaN);
  return { n: v.length, p50: q(0.5), p95: q(0.95), p99: q(0.99), max: v.length ? v[v.length - 1] : NaN };
}

const fmt = (x) => (Number.isNaN(x) ? "-" : x.toFixed(1));

// Starts recording frame deltas and long tasks in the page.
async function startFrames(page) {
  await page.evaluate(() => {
    window.__bench = { frames: [], long: 0, longMs: 0, run: true, seq0: window.slant.state.store.lastSeq, t0: performance.now() };
    let last = performance.now();
    const tick = (t) => {
      window.__bench.frames.push(t - last);
      last = t;
      if (window.__bench.run) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    try {
      const po = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          window.__bench.long++;
          window.__bench.longMs += e.duration;
        }
      });
      po.observe({ type: "longtask" });
      window.__bench.po = po;
    } catch {
      // no long task API
    }
  });
}

async function stopFrames(page) {
  return page.evaluate(() => {
    const b = window.__bench;
    b.run = false;
    if (b.po) b.po.disconnect();
    const seconds = (performance.now() - b.t0) / 1000;
    return {
      frames: b.frames.slice(1), long: b.long, longMs: b.longMs, seconds,
      linesPerSecond: (window.slant.state.store.lastSeq - b.seq0) / seconds,
      heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : NaN,
      stats: window.slant.stats,
      kept: window.slant.state.store.size,
    };
  });
}

// Clicks probe's trigger and resolves with the ms until its update pill changes.
async function clickTrigger(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const row = 'tr.res[data-name="probe"]';
    const status = () => document.querySelector(row + " td[data-field=update] .pill").dataset.status;
    const before = status();
    const t0 = performance.now();
    const timer = setTimeout(() => resolve({ ms: NaN, before, after: status() }), 30000);
    const obs = new MutationObserver(() => {
      const now = status();
      if (now !== before) {
        obs.disconnect();
        clearTimeout(timer);
        resolve({ ms: performance.now() - t0, before, after: now });
      }
    });
    obs.observe(document.getElementById("resources"), { subtree: true, childList: true, attributes: true });
    document.querySelector(row + " button[data-action=trigger]").click();
  }));
}

function report(name, r, clicks) {
  const f = stats(r.frames);
  const over = r.frames.filter((d) => d > 50).length;
  console.log(`${name}: ${r.seconds.toFixed(0)}s, ${Math.round(r.linesPerSecond)} log lines/s reached the page, ` +
    `${r.kept} lines kept, JS heap ${fmt(r.heapMB)} MB`);
  console.log(`  frame time ms: p50 ${fmt(f.p50)}  p95 ${fmt(f.p95)}  p99 ${fmt(f.p99)}  max ${fmt(f.max)}  ` +
    `(${f.n} frames, ${over} over 50 ms; ${r.long} long tasks, ${fmt(r.longMs)} ms in total)`);
  console.log(`  WebSocket messages ${r.stats.messages}, views ${r.stats.views} (resyncs ${r.stats.resyncs}), ` +
    `log fetches ${r.stats.fetches} (counted since the page loaded)`);
  if (clicks && clicks.length) {
    const c = stats(clicks.map((x) => x.ms).filter((x) => !Number.isNaN(x)));
    const missed = clicks.filter((x) => Number.isNaN(x.ms)).length;
    console.log(`  trigger click -> status pill change ms: p50 ${fmt(c.p50)}  p95 ${fmt(c.p95)}  max ${fmt(c.max)}  ` +
      `(${c.n} clicks${missed ? `, ${missed} without a change in 30 s` : ""})`);
  }
}

async function main() {
  if (slantBinary === "--tiltfile") {
    process.stdout.write(tiltfile());
    return;
  }
  if (!slantBinary) {
    console.error("usage: node bench/ui/load.js PATH_TO_SLANT");
    process.exit(2);
  }
  const missing = missingPrerequisites();
  if (missing) {
    console.error(missing);
    process.exit(1);
  }
  const project = new Project("slant-ui-load-");
  project.write("Tiltfile", tiltfile());
  const slant = new Slant(slantBinary, project, { args: ["--stream"] });
  const browser = new Browser();
  let feed = null;
  try {
    if (useFeed) {
      feed = await require("./feed.js").startFeed({
        rate, resources: kResources, loud: kLoud, batch: process.env.BATCH === "1",
      });
      slant.url = feed.url;
    } else if (process.env.BENCH_URL) {
      // A slant that is already running this Tiltfile (load.js --tiltfile prints it).
      slant.url = process.env.BENCH_URL;
    } else {
      await slant.start();
      // slant's own terminal output is not under test: drop it.
      slant.proc.stdout.removeAllListeners("data");
      slant.proc.stdout.resume();
    }
    await browser.start();
    const page = await browser.page();
    const t0 = Date.now();
    await page.goto(slant.url + "/");
    // The local resources and (Tiltfile).
    await until(async () => (await page.$$("tr.res")).length === kResources + 1, `${kResources + 1} rows`, 120000);
    console.log(`${kResources} resources, ${rate} lines/s from ${kLoud} ${useFeed ? "streams of feed.js (no slant)" : "serve_cmds"}, ${duration}s per phase`);
    console.log(`first load: all ${kResources} rows shown ${Date.now() - t0} ms after navigation`);
    await until(async () => (await page.getAttribute('tr.res[data-name="probe"] td[data-field=update] .pill', "data-status")) === "ok",
      "probe to be idle");
    await sleep(3000); // let the initial updates settle

    // Phase 1: the overview, with a trigger click every 3 s.
    await startFrames(page);
    const clicks = [];
    const end = Date.now() + duration * 1000;
    while (Date.now() < end) {
      clicks.push(await clickTrigger(page));
      await until(async () => {
        const s = await page.getAttribute('tr.res[data-name="probe"] td[data-field=update] .pill', "data-status");
        return s === "ok" || s === "error";
      }, "probe's update to finish");
      await sleep(Math.max(0, Math.min(3000, end - Date.now())));
    }
    report("overview", await stopFrames(page), clicks);

    // Phase 2: the log of every resource, following the stream.
    await page.goto(slant.url + "/#/logs");
    await page.waitForSelector(".log-row");
    await sleep(1000);
    await startFrames(page);
    await sleep(duration * 1000);
    report("all logs (following)", await stopFrames(page));
    const rows = await page.$$eval(".log-row:not([hidden])", (r) => r.length);
    console.log(`  DOM rows in the log: ${rows}`);
  } finally {
    await browser.stop().catch(() => {});
    if (feed) feed.close();
    await slant.stop();
    project.remove();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
