// The overview: every resource in a table, grouped by label.
//
// Rows are built once per resource and group and kept in a cache; a resource message refills
// only that resource's rows (once per animation frame, however many messages came). The table's
// structure (which rows, in which groups, in what order) is rebuilt only when it can have
// changed: a resource appeared or went away, its labels changed, the filter or a collapsed
// group changed, or a status change moved a resource in or out of the "errors only" filter.

import {
  state, kTiltfile, updatePill, runtimePill, hasError, lastUpdateText, trigger, setTriggerMode,
  setEnabled, errorSummary,
} from "./common.js";
import { h, setChildren, textMatcher, resourceHref, toast } from "./util.js";

const kCollapsedKey = "slant.collapsed-groups";
const kUnlabeled = "unlabeled";
const kTiltfileGroup = "Tiltfile";

function loadCollapsed() {
  try {
    return new Set(JSON.parse(localStorage.getItem(kCollapsedKey) || "[]"));
  } catch {
    return new Set();
  }
}

export class Overview {
  constructor() {
    this.collapsed = loadCollapsed();
    this.checked = new Set();
    this.rows = new Map(); // group + "\0" + name -> tr
    this.rowsByName = new Map(); // name -> [tr]
    this.matcher = textMatcher("");
    this.errorsOnly = false;
    this.visibleOrder = []; // names in display order, for j/k
    this.structural = true;
    this.dirty = new Set();

    this.filterInput = h("input", {
      type: "search", placeholder: "Filter resources (name, label, type, /regex/)",
      "aria-label": "filter resources", id: "resource-filter",
      oninput: () => this.onFilter(),
      onkeydown: (e) => { if (e.key === "Escape") { e.target.blur(); } },
    });
    this.errorsOnlyBox = h("input", {
      type: "checkbox", id: "errors-only",
      onchange: (e) => { this.errorsOnly = e.target.checked; this.structural = true; this.render(); },
    });
    this.bulkCount = h("span", { class: "dim" });
    this.bulk = h("span", { class: "bulk", hidden: true },
      this.bulkCount,
      h("button", { type: "button", "data-bulk": "enable", onclick: () => this.bulkEnable(true) }, "Enable"),
      h("button", { type: "button", "data-bulk": "disable", onclick: () => this.bulkEnable(false) }, "Disable"),
      h("button", { type: "button", "data-bulk": "clear", onclick: () => this.clearChecked() }, "Clear selection"));
    const toolbar = h("div", { class: "toolbar" },
      this.filterInput,
      h("label", { class: "dim" }, this.errorsOnlyBox, " errors only"),
      h("span", { class: "spacer" }),
      this.bulk);
    this.selectAll = h("input", {
      type: "checkbox", "aria-label": "select every shown resource",
      onchange: (e) => this.checkAllShown(e.target.checked),
    });
    this.thead = h("thead", null, h("tr", null,
      h("th", null, this.selectAll),
      h("th", null, "Resource"),
      h("th", { class: "col-type" }, "Type"),
      h("th", null, "Update"),
      h("th", null, "Runtime"),
      h("th", null, "Last update"),
      h("th", { class: "col-pending" }, "Pending"),
      h("th", null, "Trigger"),
      h("th", null, "Mode"),
      h("th", { class: "col-links" }, "Links"),
      h("th", null, "Enabled"),
      h("th", null, "Error")));
    // Fixed column widths: a cell whose text changes (the "3s ago" ones, every second) then
    // re-lays out its row, not the whole table.
    const widths = [30, 200, 64, 96, 96, 160, 70, 64, 92, 130, 76, null];
    const classes = ["", "", "col-type", "", "", "", "col-pending", "", "", "col-links", "", ""];
    this.colgroup = h("colgroup", null, ...widths.map((w, i) =>
      h("col", { class: classes[i] || null, style: w ? `width:${w}px` : null })));
    this.table = h("table", { class: "resources", id: "resources" }, this.colgroup, this.thead);
    // The rows on screen, for the once-a-second refresh of the "3s ago" cells.
    this.onScreen = new Set();
    this.table.addEventListener("click", (e) => this.onClick(e));
    this.table.addEventListener("change", (e) => this.onCheck(e));
    this.empty = h("div", { class: "empty", hidden: true });
    this.wrap = h("div", { class: "table-wrap" }, this.table, this.empty);
    this.el = h("section", { id: "overview" }, toolbar, this.wrap);
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        if (e.isIntersecting) this.onScreen.add(e.target);
        else this.onScreen.delete(e.target);
      }
    }, { root: this.wrap });
  }

  /** Takes what changed since the last frame. */
  update(changes) {
    if (changes.structural) this.structural = true;
    for (const name of changes.resources) {
      const r = state.resources.get(name);
      const trs = this.rowsByName.get(name);
      if (!r || !trs) {
        this.structural = true;
        continue;
      }
      const before = trs[0]._res;
      if (!before || before.labels.join("\0") !== r.labels.join("\0")) this.structural = true;
      // Group headers count errors; "errors only" shows failing resources.
      if (before && hasError(before) !== hasError(r)) this.structural = true;
      this.dirty.add(name);
    }
  }

  /** Draws the changes; called once per animation frame while this view is shown. */
  render() {
    if (this.structural) this.rebuild();
    for (const name of this.dirty) {
      const r = state.resources.get(name);
      const trs = this.rowsByName.get(name);
      if (r && trs) for (const tr of trs) this.fill(tr, r);
    }
    this.dirty.clear();
  }

  /** Refreshes the "3s ago" cells of the rows on screen (the others are refreshed as they
   * scroll into view, by the observer's next tick, or when their resource changes). */
  tick() {
    const now = Date.now();
    for (const tr of this.onScreen) {
      if (!tr.isConnected || !tr._res) continue;
      const r = state.resources.get(tr._res.name);
      if (!r) continue;
      const text = lastUpdateText(r, now);
      const cell = tr._cells.last;
      if (cell.textContent !== text) cell.textContent = text;
    }
  }

  matches(r) {
    if (this.errorsOnly && !hasError(r)) return false;
    if (this.matcher.empty) return true;
    return this.matcher.test(r.name) || r.labels.some((l) => this.matcher.test(l)) ||
      this.matcher.test(r.type);
  }

  groups() {
    const all = state.order.map((n) => state.resources.get(n)).filter(Boolean);
    const labelled = all.some((r) => r.labels.length > 0);
    if (!labelled) return [{ name: null, resources: all }];
    const byLabel = new Map();
    const unlabeled = [];
    const tiltfile = [];
    for (const r of all) {
      if (r.name === kTiltfile) tiltfile.push(r);
      else if (!r.labels.length) unlabeled.push(r);
      for (const l of r.labels) {
        if (!byLabel.has(l)) byLabel.set(l, []);
        byLabel.get(l).push(r);
      }
    }
    const groups = [...byLabel.keys()].sort().map((l) => ({ name: l, resources: byLabel.get(l) }));
    if (unlabeled.length) groups.push({ name: kUnlabeled, resources: unlabeled });
    if (tiltfile.length) groups.push({ name: kTiltfileGroup, resources: tiltfile });
    return groups;
  }

  rebuild() {
    this.structural = false;
    const bodies = [];
    const seen = new Set();
    const byName = new Map();
    const order = [];
    let shown = 0;
    for (const g of this.groups()) {
      const matching = g.resources.filter((r) => this.matches(r));
      if (!matching.length) continue;
      const tbody = h("tbody", { "data-group": g.name || "" });
      const collapsed = g.name !== null && this.collapsed.has(g.name);
      if (g.name !== null) tbody.append(this.groupHeader(g.name, matching, collapsed));
      if (!collapsed) {
        for (const r of matching) {
          const key = (g.name || "") + "\0" + r.name;
          let tr = this.rows.get(key);
          if (!tr) {
            tr = this.makeRow(r.name);
            this.rows.set(key, tr);
            this.fill(tr, r);
            this.observer.observe(tr);
          }
          seen.add(key);
          if (!byName.has(r.name)) byName.set(r.name, []);
          byName.get(r.name).push(tr);
          tbody.append(tr);
          order.push(r.name);
          shown++;
        }
      }
      bodies.push(tbody);
    }
    for (const [key, tr] of [...this.rows]) {
      if (seen.has(key)) continue;
      this.rows.delete(key);
      this.observer.unobserve(tr);
      this.onScreen.delete(tr);
    }
    // A resource in several groups is visited once by j/k.
    this.visibleOrder = [...new Set(order)];
    this.rowsByName = byName;
    this.table.replaceChildren(this.colgroup, this.thead, ...bodies);
    for (const name of [...this.checked]) if (!state.resources.has(name)) this.checked.delete(name);
    this.updateBulk();
    this.empty.hidden = shown > 0;
    this.empty.textContent = state.resources.size === 0
      ? (state.connected ? "No resources yet." : "Connecting to slant…")
      : "No resource matches the filter.";
    this.markSelected();
  }

  groupHeader(name, resources, collapsed) {
    const errors = resources.filter(hasError).length;
    return h("tr", { class: "group" },
      h("th", {
        colspan: "12", "data-toggle-group": name,
        title: collapsed ? "expand" : "collapse",
      },
      h("span", { class: "caret" }, collapsed ? "▸" : "▾"), name,
      h("span", { class: "group-counts" }, resources.length + (resources.length === 1 ? " resource" : " resources"),
        errors ? h("span", { class: "e" }, " · " + errors + (errors === 1 ? " error" : " errors")) : null)));
  }

  makeRow(name) {
    const tiltfile = name === kTiltfile;
    const tr = h("tr", { class: "res", "data-name": name });
    const c = {};
    c.check = h("td");
    c.name = h("td", { class: "name" });
    c.type = h("td", { class: "col-type", "data-field": "type" });
    c.update = h("td", { "data-field": "update" });
    c.runtime = h("td", { "data-field": "runtime" });
    c.last = h("td", { class: "dim", "data-field": "last-update" });
    c.pending = h("td", { class: "col-pending pending-files", "data-field": "pending" });
    c.links = h("td", { class: "col-links links" });
    c.error = h("td", { class: "err-text", "data-field": "error" });
    // The controls are made once and changed in place, so that a click never lands on a
    // button that a refill replaced between mousedown and mouseup.
    if (!tiltfile) {
      c.box = h("input", { type: "checkbox", "data-check": name, "aria-label": "select " + name });
      c.check.append(c.box);
    }
    c.triggerButton = h("button", {
      type: "button", class: "trigger", "data-action": "trigger", "data-name": name,
      "aria-label": "trigger " + name,
    });
    c.modeButton = tiltfile ? null : h("button", {
      type: "button", class: "mode", "data-action": "mode", "data-name": name,
    });
    c.enableButton = tiltfile ? null : h("button", {
      type: "button", class: "toggle", "data-action": "enable", "data-name": name,
    });
    tr.append(c.check, c.name, c.type, c.update, c.runtime, c.last, c.pending,
      h("td", null, c.triggerButton), h("td", null, c.modeButton), c.links,
      h("td", null, c.enableButton), c.error);
    tr._cells = c;
    return tr;
  }

  fill(tr, r) {
    tr._res = r;
    const c = tr._cells;
    tr.classList.toggle("has-error", hasError(r));
    tr.classList.toggle("disabled", r.disabled);
    if (c.box) c.box.checked = this.checked.has(r.name);
    const warnings = state.warnings.get(r.name) || 0;
    setChildren(c.name,
      h("a", { href: resourceHref(r.name) }, r.name),
      hasError(r) ? h("span", { class: "badge err", title: "failing" }, "✖") : null,
      warnings ? h("span", { class: "badge warn", title: warnings + " warnings in the current or last update" }, "⚠ " + warnings) : null);
    c.type.textContent = r.type;
    c.update.replaceChildren(updatePill(r));
    c.runtime.replaceChildren(runtimePill(r));
    c.last.textContent = lastUpdateText(r, Date.now());
    const pending = r.pending_files.length;
    c.pending.textContent = pending ? pending + (pending === 1 ? " file" : " files") : "";
    c.pending.title = r.pending_files.join("\n");

    const dirty = pending > 0 && r.trigger_mode === "manual";
    const busy = r.queued || !!r.current_build;
    const t = c.triggerButton;
    t.className = "trigger" + (dirty ? " dirty" : "") + (busy ? " queued" : "");
    t.disabled = r.disabled;
    t.title = r.disabled ? "disabled" : busy ? "an update is queued or running" :
      dirty ? "files changed: trigger an update (r)" : "trigger an update (r)";
    t.textContent = busy ? "…" : "↻";
    if (c.modeButton) {
      c.modeButton.className = "mode " + r.trigger_mode;
      c.modeButton.textContent = r.trigger_mode;
      c.modeButton.title = r.trigger_mode === "auto" ? "auto: file changes update it; click for manual" :
        "manual: file changes wait for the trigger; click for auto";
    }
    if (c.enableButton) {
      c.enableButton.className = "toggle " + (r.disabled ? "off" : "on");
      c.enableButton.textContent = r.disabled ? "off" : "on";
      c.enableButton.setAttribute("aria-pressed", String(!r.disabled));
      c.enableButton.title = r.disabled ? "disabled: click to enable" : "enabled: click to disable";
    }
    const links = r.links.map((l) => l.url + " " + l.name).join("\n");
    if (c.links._key !== links) {
      c.links._key = links;
      c.links.replaceChildren(...r.links.map((l) => h("a", {
        href: l.url, target: "_blank", rel: "noopener noreferrer", title: l.url,
      }, l.name || l.url.replace(/^https?:\/\//, ""))));
    }
    const error = r.disabled ? "" : errorSummary(r);
    c.error.textContent = error;
    c.error.title = error;
  }

  onClick(e) {
    const group = e.target.closest("[data-toggle-group]");
    if (group) {
      const name = group.dataset.toggleGroup;
      if (this.collapsed.has(name)) this.collapsed.delete(name);
      else this.collapsed.add(name);
      localStorage.setItem(kCollapsedKey, JSON.stringify([...this.collapsed]));
      this.structural = true;
      this.render();
      return;
    }
    const button = e.target.closest("button[data-action]");
    const row = e.target.closest("tr.res");
    if (row) {
      state.selected = row.dataset.name;
      this.markSelected();
    }
    if (!button) return;
    const name = button.dataset.name;
    const r = state.resources.get(name);
    if (!r) return;
    if (button.dataset.action === "trigger") trigger(name);
    else if (button.dataset.action === "mode") setTriggerMode([name], r.trigger_mode === "auto");
    else if (button.dataset.action === "enable") setEnabled([name], r.disabled);
  }

  onCheck(e) {
    const name = e.target.dataset && e.target.dataset.check;
    if (!name) return;
    if (e.target.checked) this.checked.add(name);
    else this.checked.delete(name);
    // The same resource may have a row in several groups.
    for (const tr of this.rowsByName.get(name) || []) {
      const box = tr.querySelector("input[data-check]");
      if (box) box.checked = e.target.checked;
    }
    this.updateBulk();
  }

  checkAllShown(on) {
    for (const name of this.visibleOrder) {
      if (name === kTiltfile) continue;
      if (on) this.checked.add(name);
      else this.checked.delete(name);
    }
    this.table.querySelectorAll("input[data-check]").forEach((b) => (b.checked = on));
    this.updateBulk();
  }

  clearChecked() {
    this.checkAllShown(false);
    this.checked.clear();
    this.selectAll.checked = false;
    this.updateBulk();
  }

  updateBulk() {
    const n = this.checked.size;
    this.bulk.hidden = n === 0;
    this.bulkCount.textContent = n + " selected:";
  }

  async bulkEnable(enabled) {
    const names = [...this.checked];
    if (!names.length) return toast("select resources first");
    await setEnabled(names, enabled);
  }

  onFilter() {
    this.matcher = textMatcher(this.filterInput.value);
    this.filterInput.classList.toggle("invalid", !!this.matcher.error);
    this.filterInput.title = this.matcher.error;
    this.structural = true;
    this.render();
  }

  markSelected() {
    for (const tr of this.table.querySelectorAll("tr.res.selected")) tr.classList.remove("selected");
    for (const tr of this.rowsByName.get(state.selected) || []) tr.classList.add("selected");
  }

  /** Moves the selection (j/k). */
  move(delta) {
    const order = this.visibleOrder;
    if (!order.length) return;
    let i = order.indexOf(state.selected);
    i = i < 0 ? (delta > 0 ? 0 : order.length - 1) : Math.min(order.length - 1, Math.max(0, i + delta));
    state.selected = order[i];
    this.markSelected();
    const tr = (this.rowsByName.get(state.selected) || [])[0];
    if (tr) tr.scrollIntoView({ block: "nearest" });
  }

  focusFilter() {
    this.filterInput.focus();
    this.filterInput.select();
  }
}
