// Small helpers shared by the views: building DOM, formatting times, calling the API.

/** Creates an element: h("a", {href: "#", class: "x"}, "text", child). */
export function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? "" : v);
    }
  }
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

/** "3s ago", "5m ago", "2h ago", "4d ago" for a time in ms since the epoch. */
export function ago(ms, now = Date.now()) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return s + "s ago";
  if (s < 3600) return Math.floor(s / 60) + "m ago";
  if (s < 86400) return Math.floor(s / 3600) + "h ago";
  return Math.floor(s / 86400) + "d ago";
}

/** A duration in ms as "250ms", "1.2s", "3m04s". */
export function duration(ms) {
  if (!(ms >= 0)) return "";
  if (ms < 1000) return Math.round(ms) + "ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + "s";
  const m = Math.floor(ms / 60000);
  const s = Math.floor((ms % 60000) / 1000);
  return m + "m" + String(s).padStart(2, "0") + "s";
}

/** Parses an RFC 3339 time of the API; NaN for a missing one. */
export function time(s) {
  return s ? Date.parse(s) : NaN;
}

/** The local wall-clock time of an RFC 3339 string, "15:04:05". */
export function clock(s) {
  const t = time(s);
  if (Number.isNaN(t)) return "";
  return new Date(t).toLocaleTimeString([], { hour12: false });
}

/**
 * POSTs JSON to the API. The token travels in the slant-token cookie that slant set on this
 * page. Resolves to the response's JSON; rejects with the server's error message.
 */
export async function post(path, body) {
  let res;
  try {
    res = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (e) {
    throw new Error("could not reach slant: " + e.message);
  }
  let json = {};
  try {
    json = await res.json();
  } catch {
    // an empty or non-JSON answer: the status says enough
  }
  if (!res.ok) throw new Error(json.error || `${path} answered ${res.status}`);
  return json;
}

let toastTimer = 0;
/** Shows an error message at the bottom of the page for a few seconds. */
export function toast(message) {
  let t = document.getElementById("toast");
  if (!t) {
    t = h("div", { id: "toast", role: "alert" });
    document.body.append(t);
  }
  t.textContent = message;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (t.hidden = true), 6000);
}

/**
 * A text filter as the filter boxes take it: "/re/flags" is a regular expression, anything
 * else a case-insensitive substring. Returns {test(s), error} (error: why a regex is invalid).
 */
export function textMatcher(query) {
  const q = query.trim();
  if (!q) return { test: () => true, empty: true, error: "" };
  const m = /^\/(.+)\/([a-z]*)$/.exec(q);
  if (m) {
    try {
      const re = new RegExp(m[1], m[2].replace(/[gy]/g, ""));
      return { test: (s) => re.test(s), empty: false, error: "" };
    } catch (e) {
      return { test: () => true, empty: false, error: e.message };
    }
  }
  const lower = q.toLowerCase();
  return { test: (s) => s.toLowerCase().includes(lower), empty: false, error: "" };
}

/** The URL hash of a resource's page. */
export function resourceHref(name) {
  return "#/r/" + encodeURIComponent(name);
}

/** Replaces an element's children, skipping null, undefined and false. */
export function setChildren(el, ...children) {
  el.replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}
