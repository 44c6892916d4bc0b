// Unit tests of the UI's modules that need no browser (the log store, the text filter, the ANSI
// parser), run by run.js before the browser tests: node tests/ui/unit.mjs
import assert from "node:assert/strict";
import { LogStore } from "../../web/logstore.js";
import { textMatcher } from "../../web/util.js";

// appendAnsi needs document.createElement("span") and parent.append: a tiny stand-in.
globalThis.document = { createElement: () => ({ style: {}, className: "", textContent: "" }) };
const { appendAnsi, stripAnsi, visibleText } = await import("../../web/ansi.js");

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

const line = (seq, text = "x".repeat(36), resource = "api") =>
  ({ seq, text, resource, source: "runtime", level: "info", time: "" });

test("the log store ignores lines it has passed, so a resync never duplicates", () => {
  const s = new LogStore();
  assert.equal(s.append(line(1)), true);
  assert.equal(s.append(line(2)), true);
  assert.equal(s.append(line(2)), false);
  assert.equal(s.append(line(1)), false);
  assert.equal(s.append(line(5)), true); // a gap (slant's cap) is fine
  assert.equal(s.size, 3);
  assert.equal(s.lastSeq, 5);
});

test("the log store drops its oldest lines to stay under its cap", () => {
  const s = new LogStore(100 * 1000); // each line costs 36 + 64 bytes: 1,000 lines
  for (let i = 1; i <= 5000; i++) s.append(line(i));
  assert.ok(s.bytes <= 100 * 1000);
  assert.ok(s.size >= 800 && s.size <= 1000, "size " + s.size);
  assert.equal(s.size + s.droppedHere, 5000);
  assert.equal(s.firstSeq, 5000 - s.size + 1);
  const seqs = [];
  s.forEach((l) => seqs.push(l.seq));
  assert.deepEqual(seqs, Array.from({ length: s.size }, (_, i) => s.firstSeq + i));
  s.clear();
  assert.equal(s.size, 0);
  assert.equal(s.firstSeq, Infinity);
});

test("a filter is a case-insensitive substring, or a /regex/ with flags", () => {
  assert.equal(textMatcher("").empty, true);
  assert.equal(textMatcher("GET").test("a get b"), true);
  assert.equal(textMatcher("GET").test("a put b"), false);
  assert.equal(textMatcher("/^GET \\/api/").test("GET /api/x"), true);
  assert.equal(textMatcher("/^GET \\/api/").test("x GET /api/x"), false);
  assert.equal(textMatcher("/^get/i").test("GET"), true);
  assert.equal(textMatcher("/^get/g").test("get"), true); // g would make test() stateful: dropped
  const bad = textMatcher("/(/");
  assert.notEqual(bad.error, "");
  assert.equal(bad.test("anything"), true);
});

test("ANSI colours become classed spans and other escapes disappear", () => {
  const parts = [];
  appendAnsi({ append: (x) => parts.push(x) }, "a \x1b[1;32mgreen\x1b[0m b \x1b[38;5;196mred\x1b[39m \x1b]0;title\x07c\x1b[2K");
  const text = parts.map((p) => (typeof p === "string" ? p : p.textContent)).join("");
  assert.equal(text, "a green b red c");
  const green = parts.find((p) => p.textContent === "green");
  assert.equal(green.className, "c2 b");
  const red = parts.find((p) => p.textContent === "red");
  assert.equal(red.style.color, "rgb(255,0,0)");
  assert.equal(stripAnsi("\x1b[31mx\x1b[0m"), "x");
  assert.equal(visibleText("10%\r50%\r100%"), "100%");
});

let failed = 0;
for (const t of tests) {
  try {
    await t.fn();
    console.log(`ok   ${t.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${t.name}\n${e.stack}`);
  }
}
console.log(`web_ui unit: ${tests.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
