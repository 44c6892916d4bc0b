// A virtualised log: however many lines match, the DOM holds only the ones on screen (plus a
// few above and below), each a fixed-height row absolutely placed inside a spacer as tall as the
// whole log. New lines are filtered once, as they arrive, into `rows` (the matching lines in
// order); rendering a frame is then O(rows on screen): set the spacer's height, scroll to the
// end when following, and fill the few row elements whose line changed. Nothing here ever
// re-renders the whole log, so 10,000 lines a second cost what one screenful costs.
//
// Following: the view sticks to the end until the user scrolls up (or presses the follow
// button off); scrolling back to the end resumes following. When the store drops old lines
// (its cap), rows above the screen go too, and a view that is not following keeps its place by
// moving scrollTop up by as many rows.

import { appendAnsi } from "./ansi.js";
import { h } from "./util.js";

const kLineHeight = 18; // px; must match --log-line in style.css
const kOverscan = 8;

export class LogView {
  /**
   * store: the LogStore; options.prefix: show each line's resource name (the all-resources log);
   * options.onChange(): called after the set of rows or the follow state changed (for counts).
   */
  constructor(store, options = {}) {
    this.store = store;
    this.prefix = !!options.prefix;
    this.onChange = options.onChange || (() => {});
    this.filter = () => true;
    this.rows = [];
    this.rowHead = 0;
    this.generation = store.generation;
    this.lastSeq = 0;
    this.following = true;
    this.lastSetTop = 0;
    this.pool = [];
    this.renderedFirst = -1;
    this.dirty = true;
    this.spacerHeight = -1;

    this.el = h("div", { class: "log", tabindex: "0", "aria-label": "log" });
    this.spacer = h("div", { class: "log-spacer" });
    this.rowsEl = h("div", { class: "log-rows" });
    this.emptyEl = h("div", { class: "log-empty" });
    this.el.append(this.spacer, this.rowsEl, this.emptyEl);
    this.el.addEventListener("scroll", () => this.onScroll(), { passive: true });
    this.el.addEventListener("wheel", (e) => {
      if (e.deltaY < 0 && this.following) this.setFollow(false);
    }, { passive: true });
    // Which rows exist depends on the height: a log drawn while small (laid out before its
    // neighbours, or in a window since resized) would otherwise miss the rows that a larger
    // height shows until the next line arrives. Drawn at the next frame, not inside the
    // observer's callback.
    this.resized = new ResizeObserver(() => {
      this.dirty = true;
      requestAnimationFrame(() => this.render());
    });
    this.resized.observe(this.el);
  }

  /** The number of lines that match the filter. */
  get count() {
    return this.rows.length - this.rowHead;
  }

  /** Sets the filter (a predicate on lines) and rebuilds the rows from the store. */
  setFilter(filter) {
    this.filter = filter;
    this.rebuild();
  }

  rebuild() {
    const rows = [];
    const filter = this.filter;
    this.store.forEach((l) => {
      if (filter(l)) rows.push(l);
    });
    this.rows = rows;
    this.rowHead = 0;
    this.lastSeq = this.store.lastSeq;
    this.generation = this.store.generation;
    this.invalidate();
    this.onChange();
  }

  invalidate() {
    this.dirty = true;
    this.renderedFirst = -1;
    for (const div of this.pool) div._seq = -1;
  }

  /** Takes the lines appended to the store since the last call (after the store evicted). */
  addLines(lines) {
    if (this.generation !== this.store.generation) {
      this.rebuild();
      return;
    }
    const filter = this.filter;
    let added = 0;
    for (const l of lines) {
      // A line can reach a view twice: once through a rebuild from the store, once in the
      // frame's batch of new lines.
      if (l.seq <= this.lastSeq) continue;
      this.lastSeq = l.seq;
      if (filter(l)) {
        this.rows.push(l);
        added++;
      }
    }
    // Drop rows whose lines the store no longer keeps.
    const first = this.store.firstSeq;
    let removed = 0;
    const rows = this.rows;
    while (this.rowHead < rows.length && rows[this.rowHead].seq < first) {
      rows[this.rowHead] = undefined;
      this.rowHead++;
      removed++;
    }
    if (this.rowHead > 4096 && this.rowHead * 2 > rows.length) {
      this.rows = rows.slice(this.rowHead);
      this.rowHead = 0;
    }
    if (removed) {
      if (!this.following) {
        this.pendingShift = (this.pendingShift || 0) + removed;
      }
      this.invalidate();
    }
    if (added || removed) {
      this.dirty = true;
      this.onChange();
    }
  }

  setFollow(on) {
    if (this.following === on) return;
    this.following = on;
    this.dirty = true;
    this.onChange();
  }

  onScroll() {
    const el = this.el;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - 2 * kLineHeight;
    if (atBottom) this.setFollow(true);
    else if (el.scrollTop < this.lastSetTop - 1) this.setFollow(false);
    this.lastSetTop = el.scrollTop;
    this.dirty = true;
    this.render();
  }

  /** Draws what is on screen; cheap when nothing changed. Call once per animation frame. */
  render() {
    if (!this.dirty || !this.el.isConnected) return;
    this.dirty = false;
    const el = this.el;
    const count = this.count;
    const height = count * kLineHeight;
    if (height !== this.spacerHeight) {
      this.spacer.style.height = height + "px";
      this.spacerHeight = height;
    }
    if (this.pendingShift) {
      const top = Math.max(0, el.scrollTop - this.pendingShift * kLineHeight);
      this.pendingShift = 0;
      el.scrollTop = top;
      this.lastSetTop = el.scrollTop;
    }
    const viewHeight = el.clientHeight;
    if (this.following) {
      const bottom = Math.max(0, height - viewHeight);
      if (el.scrollTop !== bottom) el.scrollTop = bottom;
      this.lastSetTop = el.scrollTop;
    }
    const top = el.scrollTop;
    const first = Math.max(0, Math.floor(top / kLineHeight) - kOverscan);
    const last = Math.min(count, Math.ceil((top + viewHeight) / kLineHeight) + kOverscan);
    const n = Math.max(0, last - first);
    while (this.pool.length < n) {
      const div = document.createElement("div");
      div._seq = -1;
      this.pool.push(div);
      this.rowsEl.append(div);
    }
    if (first !== this.renderedFirst) {
      this.rowsEl.style.transform = `translateY(${first * kLineHeight}px)`;
      this.renderedFirst = first;
    }
    const rows = this.rows;
    const base = this.rowHead + first;
    for (let i = 0; i < this.pool.length; i++) {
      const div = this.pool[i];
      if (i >= n) {
        if (div._seq !== -2) {
          div.hidden = true;
          div._seq = -2;
        }
        continue;
      }
      const line = rows[base + i];
      if (div._seq === line.seq) continue;
      div._seq = line.seq;
      div.hidden = false;
      this.fill(div, line);
    }
    this.emptyEl.hidden = count > 0;
    if (count === 0) {
      this.emptyEl.textContent =
        this.store.size === 0 ? "No log lines yet." : "No log lines match the filter.";
    }
  }

  fill(div, line) {
    let cls = "log-row";
    if (line.level === "warn") cls += " warn";
    else if (line.level === "error") cls += " error";
    if (line.text.startsWith("Running cmd: ")) cls += " cmd";
    div.className = cls;
    div.textContent = "";
    if (this.prefix) {
      const tf = line.resource === "(Tiltfile)";
      const p = document.createElement("span");
      p.className = tf ? "pfx tf" : "pfx";
      p.textContent = line.resource;
      p.title = line.resource;
      div.append(p);
    }
    const text = line.text.length > 4000 ? line.text.slice(0, 4000) + " …" : line.text;
    appendAnsi(div, text);
    div.title = line.time ? line.time + " · " + line.source : "";
  }

  /** Scrolls to the end and follows the stream. */
  followNow() {
    this.setFollow(true);
    this.dirty = true;
    this.render();
  }
}
