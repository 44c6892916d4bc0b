// A resource's page (its state, its last updates and its log) and the page of every
// resource's log. Both have the sidebar, the list of resources to move between them.

import {
  state, kTiltfile, updatePill, runtimePill, overallStatus, trigger, setTriggerMode, setEnabled,
  hasError, oneLineError,
} from "./common.js";
import { LogView } from "./logview.js";
import { stripAnsi } from "./ansi.js";
import { h, setChildren, ago, duration, time, clock, textMatcher, resourceHref } from "./util.js";

class Sidebar {
  constructor(current) {
    this.current = current;
    this.links = new Map();
    this.el = h("nav", { id: "sidebar", "aria-label": "resources" });
    this.structural = true;
    this.dirty = new Set();
  }

  update(changes) {
    if (changes.structural) this.structural = true;
    for (const n of changes.resources) {
      if (!this.links.has(n)) this.structural = true;
      else this.dirty.add(n);
    }
  }

  render() {
    if (this.structural) {
      this.structural = false;
      this.links.clear();
      const all = h("a", { href: "#/logs", class: this.current === null ? "current" : "" },
        h("span", { class: "dot" }), h("span", { class: "n" }, "All logs"));
      const items = [all, h("div", { class: "side-title" }, "Resources")];
      for (const name of state.order) {
        const a = h("a", { href: resourceHref(name), "data-name": name });
        this.links.set(name, a);
        this.fill(a, state.resources.get(name));
        items.push(a);
      }
      this.el.replaceChildren(...items);
      const cur = this.links.get(this.current);
      if (cur) cur.scrollIntoView({ block: "nearest" });
    }
    for (const n of this.dirty) {
      const a = this.links.get(n);
      const r = state.resources.get(n);
      if (a && r) this.fill(a, r);
    }
    this.dirty.clear();
  }

  fill(a, r) {
    if (!r) return;
    const s = overallStatus(r);
    a.className = (r.name === this.current ? "current " : "") + (r.disabled ? "disabled" : "");
    a.replaceChildren(h("span", { class: "dot " + s, title: s }), h("span", { class: "n" }, r.name));
  }
}

export class ResourcePage {
  /** name: the resource, or null for the log of every resource. */
  constructor(name) {
    this.name = name;
    this.sidebar = new Sidebar(name);
    this.source = "all";
    this.level = "all";
    this.matcher = textMatcher("");
    this.resDirty = true;

    this.log = new LogView(state.store, {
      prefix: name === null,
      onChange: () => (this.countDirty = true),
    });
    this.head = h("div", { class: "res-head" });
    this.info = h("div", { class: "res-info" });
    this.errorBox = h("pre", { class: "res-error", hidden: true, "data-field": "error" });
    this.history = h("details", { class: "history", open: true });
    this.filterInput = h("input", {
      type: "search", placeholder: "Filter the log (text or /regex/)", "aria-label": "filter the log",
      id: "log-filter", oninput: () => this.onFilter(),
      onkeydown: (e) => { if (e.key === "Escape") e.target.blur(); },
    });
    this.count = h("span", { class: "log-count" });
    this.followButton = h("button", {
      type: "button", class: "follow on", title: "follow the end of the log (f)",
      onclick: () => {
        if (this.log.following) this.log.setFollow(false);
        else this.log.followNow();
        this.render();
      },
    }, "follow");
    const seg = (field, values) => h("span", { class: "seg", role: "group", "aria-label": field },
      ...values.map(([value, label]) => h("button", {
        type: "button", "data-filter": field, "data-value": value,
        class: this[field] === value ? "on" : "", onclick: (e) => this.setSeg(field, value, e.target),
      }, label)));
    const bar = h("div", { class: "log-bar" },
      seg("source", [["all", "all"], ["build", "build"], ["runtime", "runtime"]]),
      seg("level", [["all", "all levels"], ["warn", "warnings"], ["error", "errors"]]),
      this.filterInput, this.followButton, this.count);
    const parts = name === null
      ? [h("div", { class: "res-head" }, h("h1", null, "All logs")), bar, this.log.el]
      : [this.head, this.info, this.errorBox, this.history, bar, this.log.el];
    this.detail = h("section", { id: "detail", "data-resource": name === null ? "" : name }, ...parts);
    this.el = [this.sidebar.el, this.detail];
    this.applyFilter();
  }

  setSeg(field, value, button) {
    this[field] = value;
    for (const b of button.parentElement.children) b.classList.toggle("on", b === button);
    this.applyFilter();
  }

  onFilter() {
    this.matcher = textMatcher(this.filterInput.value);
    this.filterInput.classList.toggle("invalid", !!this.matcher.error);
    this.filterInput.title = this.matcher.error ? "invalid regular expression: " + this.matcher.error : "";
    this.applyFilter();
  }

  applyFilter() {
    const name = this.name, source = this.source, level = this.level, m = this.matcher;
    this.log.setFilter((l) =>
      (name === null || l.resource === name) &&
      (source === "all" || l.source === source) &&
      (level === "all" || l.level === "error" || (level === "warn" && l.level === "warn")) &&
      (m.empty || m.test(stripAnsi(l.text))));
    this.render();
  }

  update(changes) {
    this.sidebar.update(changes);
    if (changes.structural || changes.resources.has(this.name)) this.resDirty = true;
    if (changes.lines.length || changes.structural) this.log.addLines(changes.lines);
  }

  render() {
    this.sidebar.render();
    if (this.resDirty && this.name !== null) {
      this.resDirty = false;
      this.renderResource();
    }
    this.log.render();
    if (this.countDirty) {
      this.countDirty = false;
      const dropped = state.store.droppedHere + state.store.droppedBySlant;
      this.count.textContent = this.log.count.toLocaleString() + (this.log.count === 1 ? " line" : " lines") +
        (dropped ? " · " + dropped.toLocaleString() + " older lines dropped" : "");
      this.followButton.classList.toggle("on", this.log.following);
    }
  }

  tick() {
    if (this.name !== null) this.renderInfo(state.resources.get(this.name));
  }

  renderResource() {
    const r = state.resources.get(this.name);
    if (!r) {
      this.head.replaceChildren(h("h1", null, this.name),
        h("span", { class: "dim" }, state.connected ? "no such resource (any more)" : "connecting…"));
      this.info.replaceChildren();
      this.errorBox.hidden = true;
      this.history.replaceChildren();
      return;
    }
    const tiltfile = r.name === kTiltfile;
    setChildren(this.head, 
      h("h1", null, r.name),
      updatePill(r), runtimePill(r),
      h("button", {
        type: "button", class: "trigger", "data-action": "trigger", disabled: r.disabled,
        title: "trigger an update (r)", onclick: () => trigger(r.name),
      }, r.queued || r.current_build ? "…" : "↻"),
      tiltfile ? null : h("button", {
        type: "button", class: "mode " + r.trigger_mode, "data-action": "mode",
        title: "switch between auto and manual", onclick: () => setTriggerMode([r.name], r.trigger_mode === "auto"),
      }, r.trigger_mode),
      tiltfile ? null : h("button", {
        type: "button", class: "toggle " + (r.disabled ? "off" : "on"), "data-action": "enable",
        title: r.disabled ? "enable" : "disable", onclick: () => setEnabled([r.name], r.disabled),
      }, r.disabled ? "disabled: enable" : "enabled: disable"),
      ...r.links.map((l) => h("a", { href: l.url, target: "_blank", rel: "noopener noreferrer" }, l.name || l.url)));
    this.renderInfo(r);

    // The error: for the Tiltfile the whole message with its backtrace; for others the last
    // update's error, else the runtime's.
    let error = "";
    const last = r.build_history[0];
    if (r.update_status === "error" && last && last.error) error = last.error;
    else if (hasError(r)) error = r.error;
    if (tiltfile && !error && state.session && state.session.tiltfile_error) {
      error = state.session.tiltfile_error;
    }
    this.errorBox.hidden = !error;
    this.errorBox.textContent = error;

    const rows = [];
    if (r.current_build) {
      rows.push(h("tr", { class: "current" },
        h("td", null, clock(r.current_build.start_time)),
        h("td", null, "running"),
        h("td", null, r.current_build.reason),
        h("td", { class: "result-busy" }, "updating…"),
        h("td", { class: "dim" }, editsText(r.current_build.edits))));
    }
    for (const b of r.build_history) {
      const d = time(b.finish_time) - time(b.start_time);
      rows.push(h("tr", null,
        h("td", null, clock(b.start_time)),
        h("td", null, duration(d)),
        h("td", null, b.reason),
        b.error ? h("td", { class: "result-error", title: b.error }, oneLineError(b.error)) : h("td", { class: "result-ok" }, "ok"),
        h("td", { class: "dim" }, editsText(b.edits))));
    }
    const n = r.build_history.length;
    setChildren(this.history, 
      h("summary", null, n ? `Updates (${n}, newest first)` : "No updates yet"),
      rows.length ? h("table", { class: "history-table" },
        h("thead", null, h("tr", null, h("th", null, "Started"), h("th", null, "Took"),
          h("th", null, "Reason"), h("th", null, "Result"), h("th", null, "Files"))),
        h("tbody", null, ...rows)) : null);
  }

  renderInfo(r) {
    if (!r) return;
    const item = (label, value) => value ? h("span", null, label + " ", h("b", null, value)) : null;
    const now = Date.now();
    const cur = r.current_build;
    const items = [
      item("type", r.type),
      item("labels", r.labels.join(", ")),
      item("depends on", r.resource_deps.join(", ")),
      item("updating since", cur ? ago(time(cur.start_time), now).replace(" ago", "") + " (" + cur.reason + ")" : ""),
      item("waiting", r.waiting ? r.waiting.reason + (r.waiting.on && r.waiting.on.length ? " on " + r.waiting.on.join(", ") : "") : ""),
      r.queued ? item("trigger", "queued") : null,
      item("pending files", r.pending_files.length ? r.pending_files.map(shortPath).join(", ") : ""),
      item("running since", r.runtime ? ago(time(r.runtime.start_time), now).replace(" ago", "") : ""),
      item("runtime", r.runtime && r.runtime.detail ? r.runtime.detail : ""),
      item("ready", r.type === "tiltfile" ? "" : r.ready ? "yes" : "no"),
    ];
    this.info.replaceChildren(...items.filter(Boolean));
  }

  /** Moves to the next or previous resource's page (j/k). */
  move(delta) {
    const order = state.order;
    if (!order.length) return;
    let i = order.indexOf(this.name);
    i = i < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, i + delta));
    state.selected = order[i];
    location.hash = resourceHref(order[i]);
  }

  focusFilter() {
    this.filterInput.focus();
    this.filterInput.select();
  }
}

function shortPath(p) {
  const parts = p.split("/");
  return parts.length > 2 ? "…/" + parts.slice(-2).join("/") : p;
}

function editsText(edits) {
  if (!edits || !edits.length) return "";
  const shown = edits.slice(0, 3).map(shortPath).join(", ");
  return edits.length > 3 ? `${shown} and ${edits.length - 3} more` : shown;
}
