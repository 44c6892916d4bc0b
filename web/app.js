// slant's web UI: the entry point. It keeps one WebSocket to /ws/view, applies its messages to
// the page's state (common.js) and lets the current view draw the changes once per animation
// frame.
//
// Data flow: messages are queued as they arrive and applied in a batch at the next frame (or
// sooner when the queue is long, e.g. in a hidden tab where frames stop): resources replace
// their previous state and are marked dirty, log lines go to the LogStore and to a list of new
// lines. The view then gets {resources: dirty names, lines: new lines, structural} and draws
// only that. So a thousand messages between two frames cost one render.
//
// Sync: the first message of a connection, and a resync after the server dropped messages to a
// slow page, is a whole view. The log lines the page has not seen are fetched with
// /api/logs?after=LAST_SEQ_SEEN while the socket's log messages wait in a buffer; then the
// buffer is replayed. The store ignores any line whose seq it already passed, so the two
// sources never duplicate a line and never leave a gap. A view whose session started at another
// time is another slant: the page forgets the old log.
//
// Reconnect: when the socket closes (slant stopped or restarted), the page says so and tries
// again after 250 ms, doubling up to 5 s.

import { state, kTiltfile, hasError, trigger, errorSummary } from "./common.js";
import { Overview } from "./overview.js";
import { ResourcePage } from "./detail.js";
import { h, setChildren, resourceHref } from "./util.js";

const kMinBackoff = 250;
const kMaxBackoff = 5000;
// Apply queued messages without waiting for a frame once this many wait.
const kEagerBatch = 2000;

let inbox = [];
let changes = newChanges();
let view = null;
let frameRequested = false;
let socket = null;
let backoff = kMinBackoff;
let retryTimer = 0;
let retryAt = 0;
let syncing = false;
let fetching = false;
let refetch = false;
let buffered = [];
let lastBuildStart = new Map();
let topDirty = true;
// Counters for the load test and for curious users (window.slant.stats).
const stats = { messages: 0, views: 0, resyncs: 0, fetches: 0, fetchErrors: 0, frames: 0 };

function newChanges() {
  return { resources: new Set(), lines: [], structural: false };
}

// ---------------------------------------------------------------------------------------------
// Applying messages

function applyView(v) {
  const s = v.session;
  // Another slant (it restarted): its seqs start again at 1. (A resync's last_seq may be older
  // than lines the page already fetched: that is not a new session.)
  const newSession = !state.session || state.session.start_time !== s.start_time;
  if (newSession) {
    state.store.clear();
    state.warnings.clear();
    warnTimes.clear();
    lastBuildStart.clear();
    buffered = [];
    changes.lines = [];
  }
  state.session = s;
  state.resources = new Map();
  state.order = [];
  for (const r of v.resources) {
    state.resources.set(r.name, r);
    state.order.push(r.name);
    noteBuild(r);
  }
  changes.structural = true;
  topDirty = true;
  startSync();
}

// Warnings count per update: the warning lines logged since the current (or last) update of the
// resource started. The times of recent warning lines are kept per resource (at most
// kWarnTimes), so that a new update, seen late or never seen running, recounts exactly.
const kWarnTimes = 1000;
const warnTimes = new Map();

function buildStart(r) {
  const b = r.current_build || (r.build_history && r.build_history[0]);
  return b ? b.start_time : "";
}

function noteBuild(r) {
  const start = buildStart(r);
  if (lastBuildStart.get(r.name) === start) return;
  lastBuildStart.set(r.name, start);
  const since = start ? Date.parse(start) : 0;
  const times = (warnTimes.get(r.name) || []).filter((t) => t >= since);
  warnTimes.set(r.name, times);
  if (times.length) state.warnings.set(r.name, times.length);
  else state.warnings.delete(r.name);
}

function applyResource(r) {
  if (!state.resources.has(r.name)) {
    state.order.push(r.name);
    changes.structural = true;
  }
  state.resources.set(r.name, r);
  noteBuild(r);
  changes.resources.add(r.name);
  topDirty = true;
}

function applyDeleted(name) {
  if (!state.resources.delete(name)) return;
  state.order = state.order.filter((n) => n !== name);
  changes.structural = true;
  topDirty = true;
}

function addLine(line) {
  if (!state.store.append(line)) return;
  changes.lines.push(line);
  if (line.level === "warn") {
    const r = state.resources.get(line.resource);
    const t = Date.parse(line.time);
    const start = r ? buildStart(r) : "";
    if (r && (!start || t >= Date.parse(start))) {
      let times = warnTimes.get(line.resource);
      if (!times) warnTimes.set(line.resource, (times = []));
      times.push(t);
      if (times.length > kWarnTimes) times.splice(0, times.length - kWarnTimes);
      state.warnings.set(line.resource, times.length);
    }
    changes.resources.add(line.resource);
    topDirty = true;
  }
}

function drain() {
  const batch = inbox;
  inbox = [];
  stats.messages += batch.length;
  for (const data of batch) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      continue;
    }
    switch (msg.type) {
      case "log":
        // One line per message: only bench/ui/feed.js's unbatched mode sends this.
        if (syncing) buffered.push(msg.line);
        else addLine(msg.line);
        break;
      case "logs":
        // The lines of one turn of slant's loop (docs/api.md).
        for (const line of msg.lines) {
          if (syncing) buffered.push(line);
          else addLine(line);
        }
        break;
      case "resource":
        applyResource(msg.resource);
        break;
      case "resource_deleted":
        applyDeleted(msg.name);
        break;
      case "view":
        stats.views++;
        if (msg.resync) stats.resyncs++;
        applyView(msg.view);
        break;
    }
  }
  // A hidden tab gets no frames: keep the list of new lines from outgrowing the store.
  if (changes.lines.length > 200000) {
    changes.lines = [];
    changes.structural = true;
    if (view && view.log) view.log.generation = -1; // rebuild from the store
  }
}

function startSync() {
  syncing = true;
  if (fetching) {
    refetch = true;
    return;
  }
  fillGap();
}

// Fetches the lines the page has not seen until one fetch succeeds for the current socket, then
// replays what the socket buffered meanwhile. Until then the buffered lines wait: appending
// them first would move the store's lastSeq past the gap, and the gap would never be filled.
// A failed fetch is retried (250 ms, doubling up to 5 s) while the socket stays open; a socket
// that closes gives up (the next connection syncs again); a new socket that asked for a sync
// while a fetch was under way gets its own fetch.
async function fillGap() {
  fetching = true;
  let pause = kMinBackoff;
  for (;;) {
    const sock = socket;
    refetch = false;
    stats.fetches++;
    let filled = false;
    try {
      const res = await fetch("/api/logs?after=" + state.store.lastSeq, { credentials: "same-origin" });
      if (!res.ok) throw new Error("status " + res.status);
      const page = await res.json();
      // Lines fetched for another connection may belong to another session: dropped.
      if (sock === socket) {
        state.store.droppedBySlant += page.dropped || 0;
        for (const l of page.lines) addLine(l);
        filled = true;
      }
    } catch (e) {
      console.warn("slant: could not read the log:", e);
      stats.fetchErrors++;
    }
    if (!socket || !syncing) break;
    if (filled && !refetch) break;
    if (!filled && sock === socket) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      pause = Math.min(kMaxBackoff, pause * 2);
      if (!socket || !syncing) break;
    }
  }
  fetching = false;
  if (socket && syncing) {
    syncing = false;
    for (const l of buffered) addLine(l);
    buffered = [];
    state.connected = true;
  }
  topDirty = true;
  schedule();
}

// ---------------------------------------------------------------------------------------------
// The connection

async function connect() {
  clearTimeout(retryTimer);
  if (retryAt) {
    // A restarted slant has a new token: any static file sets its cookie, which the WebSocket
    // handshake then carries. While slant is down this fails, and the next attempt comes later.
    try {
      const res = await fetch("/favicon.svg", { cache: "no-store", credentials: "same-origin" });
      if (!res.ok) throw new Error("status " + res.status);
    } catch {
      retryLater();
      return;
    }
  }
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}/ws/view`);
  socket = ws;
  ws.onmessage = (e) => {
    if (ws !== socket) return;
    inbox.push(e.data);
    if (inbox.length >= kEagerBatch) drain();
    schedule();
  };
  ws.onopen = () => {
    backoff = kMinBackoff;
    retryAt = 0;
  };
  ws.onclose = () => {
    if (ws !== socket) return;
    socket = null;
    state.connected = false;
    syncing = false;
    buffered = [];
    inbox = [];
    retryLater();
  };
}

function retryLater() {
  retryAt = Date.now() + backoff;
  retryTimer = setTimeout(connect, backoff);
  backoff = Math.min(kMaxBackoff, backoff * 2);
  topDirty = true;
  schedule();
}

// ---------------------------------------------------------------------------------------------
// Drawing

function schedule() {
  if (frameRequested) return;
  frameRequested = true;
  requestAnimationFrame(frame);
}

function frame() {
  frameRequested = false;
  stats.frames++;
  drain();
  if (view) {
    const c = changes;
    changes = newChanges();
    view.update(c);
    view.render();
  }
  if (topDirty) {
    topDirty = false;
    renderTop();
  }
}

function renderTop() {
  const conn = document.getElementById("conn");
  if (state.connected) {
    conn.className = "conn live";
    conn.textContent = "● live";
    conn.title = "connected to slant";
  } else if (!socket && retryAt) {
    conn.className = "conn down";
    const s = Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    conn.textContent = `disconnected from slant: reconnecting${s ? " in " + s + "s" : "…"}`;
    conn.title = "slant stopped or restarted; the page reconnects by itself";
  } else {
    conn.className = "conn";
    conn.textContent = "connecting…";
  }
  document.body.classList.toggle("offline", !state.connected);

  let errors = 0, busy = 0, warnings = 0, disabled = 0;
  for (const r of state.resources.values()) {
    if (hasError(r)) errors++;
    if (r.current_build) busy++;
    if (r.disabled) disabled++;
  }
  for (const n of state.warnings.values()) warnings += n;
  const total = state.resources.size;
  const summary = document.getElementById("summary");
  setChildren(summary, 
    h("span", { class: "count", "data-count": "resources" }, h("b", null, total), " resources"),
    busy ? h("span", { class: "count busy", "data-count": "updating" }, h("b", null, busy), " updating") : null,
    h("span", { class: "count errors", "data-count": "errors", title: "resources whose update or runtime failed" },
      h("b", null, errors), errors === 1 ? " error" : " errors"),
    h("span", { class: "count warnings", "data-count": "warnings", title: "warnings logged by the current or last updates" },
      h("b", null, warnings), warnings === 1 ? " warning" : " warnings"),
    disabled ? h("span", { class: "count", "data-count": "disabled" }, h("b", null, disabled), " disabled") : null);

  const tf = state.resources.get(kTiltfile);
  const banner = document.getElementById("tiltfile-banner");
  const failing = tf && tf.update_status === "error";
  banner.hidden = !failing;
  if (failing) {
    banner.replaceChildren(h("a", { href: resourceHref(kTiltfile) }, "Tiltfile error: "), errorSummary(tf));
  }
  const title = errors ? `(${errors}) slant` : "slant";
  if (document.title !== title) document.title = title;
}

// Every second: the "3s ago" texts and the reconnect countdown.
setInterval(() => {
  if (view && view.tick) view.tick();
  if (!state.connected) renderTop();
}, 1000);

// ---------------------------------------------------------------------------------------------
// Pages

function route() {
  const hash = location.hash || "#/";
  const main = document.getElementById("main");
  let next;
  const m = /^#\/r\/(.+)$/.exec(hash);
  if (m) {
    const name = decodeURIComponent(m[1]);
    next = new ResourcePage(name);
    state.selected = name;
  } else if (hash === "#/logs") {
    next = new ResourcePage(null);
  } else {
    next = new Overview();
  }
  view = next;
  main.replaceChildren(...(Array.isArray(next.el) ? next.el : [next.el]));
  view.update({ resources: new Set(), lines: [], structural: true });
  view.render();
  document.getElementById("all-logs").classList.toggle("current", hash === "#/logs");
}

// ---------------------------------------------------------------------------------------------
// Keyboard (Tilt's: j/k, r, /, ?)

function toggleHelp(show) {
  const help = document.getElementById("help");
  help.hidden = show === undefined ? !help.hidden : !show;
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement ||
    t instanceof HTMLSelectElement || (t && t.isContentEditable);
  if (e.key === "Escape") {
    toggleHelp(false);
    if (typing) t.blur();
    return;
  }
  if (typing) return;
  // Enter and space on a focused button or link do what they always do.
  if ((e.key === "Enter" || e.key === " ") && t && t.closest && t.closest("button, a")) return;
  switch (e.key) {
    case "?":
      toggleHelp();
      break;
    case "j":
    case "ArrowDown":
      if (e.key === "ArrowDown" && view instanceof ResourcePage) return; // scrolls the log
      view.move(1);
      break;
    case "k":
    case "ArrowUp":
      if (e.key === "ArrowUp" && view instanceof ResourcePage) return;
      view.move(-1);
      break;
    case "Enter":
    case "o":
      if (view instanceof Overview && state.selected) location.hash = resourceHref(state.selected);
      else return;
      break;
    case "r": {
      const name = view instanceof ResourcePage ? view.name : state.selected;
      if (name) trigger(name);
      break;
    }
    case "/":
      view.focusFilter();
      break;
    case "f":
      if (view instanceof ResourcePage) view.log.followNow();
      break;
    case "l":
      location.hash = "#/logs";
      break;
    case "h":
      location.hash = "#/";
      break;
    default:
      return;
  }
  e.preventDefault();
}

document.getElementById("help-button").addEventListener("click", () => toggleHelp());
document.getElementById("help").addEventListener("click", (e) => {
  if (e.target.id === "help") toggleHelp(false);
});
document.addEventListener("keydown", onKey);
window.addEventListener("hashchange", route);
route();
connect();
renderTop();

// For the browser tests and the load test: a read-only window on the page's state.
window.slant = { state, stats, get view() { return view; }, get syncing() { return syncing; } };
