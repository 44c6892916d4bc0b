// What the views share: the page's state, status pills, the API actions.

import { LogStore } from "./logstore.js";
import { h, post, toast, time, ago } from "./util.js";

/** The page's state, filled by app.js from the WebSocket. */
export const state = {
  /** The session of the last view message (docs/api.md), or null before the first. */
  session: null,
  /** Resources by name, as the API sends them. */
  resources: new Map(),
  /** Names in the engine's order ("(Tiltfile)" first). */
  order: [],
  /** Warning lines per resource since its current or last update started. */
  warnings: new Map(),
  /** The log. */
  store: new LogStore(),
  /** Whether the WebSocket is open and synced. */
  connected: false,
  /** The resource the keyboard acts on. */
  selected: null,
};

export const kTiltfile = "(Tiltfile)";

const kUpdateLabels = {
  none: "none",
  pending: "pending",
  in_progress: "updating",
  ok: "updated",
  error: "error",
  not_applicable: "n/a",
};
const kRuntimeLabels = {
  unknown: "unknown",
  none: "not running",
  pending: "pending",
  ok: "running",
  error: "error",
  not_applicable: "n/a",
};

/** The update status pill of a resource. */
export function updatePill(r) {
  const status = r.disabled ? "disabled" : r.update_status;
  const label = r.disabled ? "disabled" : kUpdateLabels[status] || status;
  return h("span", { class: "pill " + status, "data-status": status, title: "update: " + label }, label);
}

/** The runtime status pill of a resource. */
export function runtimePill(r) {
  const status = r.disabled ? "disabled" : r.runtime_status;
  const label = r.disabled ? "disabled" : kRuntimeLabels[status] || status;
  const title = "runtime: " + label + (r.runtime && r.runtime.detail ? " (" + r.runtime.detail + ")" : "");
  return h("span", { class: "pill " + status, "data-status": status, title }, label);
}

/** The overall status of a resource, for a dot: error, in_progress, pending, ok, disabled, none. */
export function overallStatus(r) {
  if (r.disabled) return "disabled";
  if (r.update_status === "error" || r.runtime_status === "error") return "error";
  if (r.update_status === "in_progress") return "in_progress";
  if (r.update_status === "pending" || r.runtime_status === "pending" || r.queued) return "pending";
  if (r.update_status === "ok" || r.runtime_status === "ok") return "ok";
  return "none";
}

/** Whether a resource is failing. */
export function hasError(r) {
  return !r.disabled && (r.update_status === "error" || r.runtime_status === "error");
}

/** "3s ago" for the last finished update, "updating" during one, the waiting reason, or "". */
export function lastUpdateText(r, now) {
  if (r.current_build) return "updating…";
  if (r.waiting && r.waiting.reason === "manual" && r.update_status === "none") {
    return "not started: trigger it";
  }
  if (r.waiting && r.update_status === "pending") {
    const on = r.waiting.on && r.waiting.on.length ? " (" + r.waiting.on.join(", ") + ")" : "";
    return "waiting: " + r.waiting.reason.replace(/^waiting-for-/, "") + on;
  }
  const b = r.build_history && r.build_history[0];
  if (!b || !b.finish_time) return "";
  return ago(time(b.finish_time), now);
}

/** Queues an update of a resource (the trigger button). */
export async function trigger(name) {
  try {
    await post("/api/trigger", { manifest_names: [name], build_reason: 16 });
  } catch (e) {
    toast(e.message);
  }
}

/** Switches resources to auto or manual (Tilt's /api/override/trigger_mode). */
export async function setTriggerMode(names, manual) {
  try {
    await post("/api/override/trigger_mode", { manifest_names: names, trigger_mode: manual ? 1 : 0 });
  } catch (e) {
    toast(e.message);
  }
}

/** Enables or disables resources. */
export async function setEnabled(names, enabled) {
  names = names.filter((n) => n !== kTiltfile);
  if (!names.length) return;
  try {
    await post(enabled ? "/api/enable" : "/api/disable", { names });
  } catch (e) {
    toast(e.message);
  }
}

/**
 * An error on one line, for tables and banners. A Starlark error with a backtrace
 * ("Traceback (most recent call last):", "  Tiltfile:3:5: in f", ..., "Error: ...") becomes
 * its innermost location and its message: "Tiltfile:3:5: Error: ...".
 */
export function oneLineError(full) {
  if (!full.startsWith("Traceback")) return full.split("\n")[0];
  const lines = full.split("\n").filter((l) => l.trim());
  let location = "";
  for (const l of lines) {
    const m = /^\s+(.+:\d+:\d+): in /.exec(l);
    if (m) location = m[1];
  }
  const message = lines[lines.length - 1].trim();
  return location ? location + ": " + message : message;
}

/** A resource's error on one line (see oneLineError). */
export function errorSummary(r) {
  const full = r.update_status === "error" && r.build_history[0] ? r.build_history[0].error : "";
  return full ? oneLineError(full) : r.error;
}
