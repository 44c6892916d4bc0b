#!/usr/bin/env node
// Browser tests of slant's web UI: a real `slant up` on a Tiltfile of local resources in a temp
// dir, the page in Debian's headless Chromium driven by playwright-core.
//
// Usage: node tests/ui/run.js PATH_TO_SLANT [SCREENSHOT_DIR] [TEST_NAME_SUBSTRING]
// (ctest passes the built binary and BUILD_DIR/ui-screenshots). Exits 1 when a test fails or
// when Chromium or playwright-core is missing (the message says what to install).

"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { missingPrerequisites, until, alive, Project, Slant, Browser } = require("./harness.js");

const [slantBinary, shotDir = path.resolve("ui-screenshots"), only = ""] = process.argv.slice(2);

const kTiltfile = `
local_resource('ok', cmd='echo ok-build-output', labels=['backend'])
local_resource('fails', cmd='echo about to fail; exit 3', labels=['backend'])
local_resource('server', serve_cmd='echo $$ > server.pid; printf "\\\\033[32mserving\\\\033[0m on :9000\\\\n"; exec sleep 100000',
               labels=['frontend'], links=['http://localhost:9000'])
local_resource('manual', cmd='echo manual-ran > manual.out; echo manual-ran',
               trigger_mode=TRIGGER_MODE_MANUAL, auto_init=False)
local_resource('built', cmd='echo "built from $(cat src.txt)"', deps=['src.txt'])
`;

// A Tiltfile whose error is raised inside a function, so that it has a backtrace.
const kBrokenTiltfile = kTiltfile + `
def make(name):
    fail('no cmd for ' + name)

make('late')
`;

// What the pages knew when a test failed: their counters and log stores, and what they logged.
async function pageReport(browser) {
  let report = "";
  for (const page of browser.context ? browser.context.pages() : []) {
    const known = await page.evaluate(() => {
      const s = window.slant;
      return { hash: location.hash, connected: s.state.connected, syncing: s.syncing, stats: s.stats,
        lines: s.state.store.size, lastSeq: s.state.store.lastSeq,
        shown: s.view && s.view.log ? s.view.log.count : null };
    }).catch((err) => ({ unreadable: String(err) }));
    report += "\n--- a page ---\n" + JSON.stringify(known);
  }
  if (browser.console && browser.console.length) {
    report += "\n--- the page's console (end) ---\n" + browser.console.slice(-20).join("\n");
  }
  return report;
}

const tests = [];
function test(name, fn) {
  tests.push({ name, fn });
}

// Each test gets a project, a slant and a browser, all cleaned up whatever happens.
async function withSlant(fn) {
  const project = new Project();
  project.write("Tiltfile", kTiltfile);
  project.write("src.txt", "v1\n");
  const slant = new Slant(slantBinary, project);
  const browser = new Browser();
  try {
    await slant.start();
    await browser.start();
    const page = await browser.page(slant.url + "/");
    await fn({ project, slant, browser, page });
    if (browser.errors.length) throw new Error("uncaught errors in the page: " + browser.errors.join("; "));
  } catch (e) {
    e.message += (await pageReport(browser)) + "\n--- slant's output (end) ---\n" +
      slant.output.slice(-3000);
    throw e;
  } finally {
    await browser.stop().catch(() => {});
    await slant.stop();
    project.remove();
  }
}

async function shot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, name + ".png") });
}

function row(name) {
  return `tr.res[data-name="${name}"]`;
}

async function pill(page, name, field) {
  return page.getAttribute(`${row(name)} td[data-field=${field}] .pill`, "data-status", { timeout: 1000 });
}

async function waitPill(page, name, field, status) {
  await until(async () => (await pill(page, name, field)) === status,
    `${name}'s ${field} status to be ${status} (it is ${await pill(page, name, field).catch(() => "absent")})`);
}

async function apiResource(slant, name) {
  return slant.get("/api/resources/" + encodeURIComponent(name));
}

// The log rows on screen: their resource prefix (on the page of all logs), text and classes.
async function logRows(page) {
  return page.$$eval(".log-row:not([hidden])", (rows) => rows.map((r) => {
    const p = r.querySelector(".pfx");
    const prefix = p ? p.textContent : "";
    return { prefix, text: r.textContent.slice(prefix.length), cls: r.className };
  }));
}

async function waitLog(page, text) {
  await until(async () => (await logRows(page)).some((r) => r.text.includes(text)),
    `a log row with ${JSON.stringify(text)}`);
}

test("every resource appears with the right status, grouped by label", async ({ slant, page }) => {
  for (const name of ["(Tiltfile)", "ok", "fails", "server", "manual", "built"]) {
    await page.waitForSelector(row(name), { timeout: 60000 });
  }
  await waitPill(page, "(Tiltfile)", "update", "ok");
  await waitPill(page, "ok", "update", "ok");
  await waitPill(page, "fails", "update", "error");
  await waitPill(page, "server", "runtime", "ok");
  await waitPill(page, "built", "update", "ok");
  await waitPill(page, "manual", "update", "none");
  // The API says the same.
  const view = await slant.get("/api/view");
  for (const r of view.resources) {
    const shown = await pill(page, r.name, "update");
    if (shown !== r.update_status) throw new Error(`${r.name}: the page shows ${shown}, the API ${r.update_status}`);
  }
  const groups = await page.$$eval("tbody[data-group]", (b) => b.map((x) => x.dataset.group));
  if (groups.join(",") !== "backend,frontend,unlabeled,Tiltfile") throw new Error("groups: " + groups);
  await until(async () => (await page.textContent("[data-count=errors] b")) === "1", "one error at the top");
  const error = await page.textContent(`${row("fails")} td[data-field=error]`);
  if (!error.includes("exit status 3")) throw new Error("fails' error cell: " + error);
  if (!(await page.getAttribute(row("fails"), "class")).includes("has-error")) throw new Error("fails does not stand out");
  const link = await page.getAttribute(`${row("server")} td.links a`, "href");
  if (link !== "http://localhost:9000") throw new Error("server's link: " + link);
  // Collapsing a group hides its rows and survives a reload.
  await page.click('[data-toggle-group="backend"]');
  await until(async () => !(await page.$(row("ok"))), "backend's rows to hide");
  await page.reload();
  await page.waitForSelector(row("server"));
  if (await page.$(row("ok"))) throw new Error("the collapsed group came back open after a reload");
  await page.click('[data-toggle-group="backend"]');
  await page.waitForSelector(row("ok"));
  await waitPill(page, "server", "runtime", "ok");
  await shot(page, "overview");
});

test("clicking a manual resource's trigger runs it", async ({ project, slant, page }) => {
  await waitPill(page, "manual", "update", "none");
  if (project.read("manual.out") !== null) throw new Error("manual ran before its trigger");
  await page.click(`${row("manual")} button[data-action=trigger]`);
  await until(() => project.read("manual.out") === "manual-ran\n", "manual's cmd to run");
  await waitPill(page, "manual", "update", "ok");
  await page.click(`${row("manual")} td.name a`);
  await page.waitForSelector('#detail[data-resource="manual"]');
  await waitLog(page, "manual-ran");
  const cmd = (await logRows(page)).find((r) => r.cls.includes("cmd"));
  if (!cmd || !cmd.text.startsWith("Running cmd: ")) throw new Error("no command row in the log");
  const reason = (await apiResource(slant, "manual")).build_history[0].reason;
  await until(async () => (await page.textContent("details.history tbody")).includes(reason),
    `the history to show the reason ${reason}`);
});

test("editing a dep file shows the new build", async ({ project, page, slant }) => {
  await page.goto(slant.url + "/#/r/built");
  await waitLog(page, "built from v1");
  await until(async () => (await page.$$("details.history tbody tr")).length === 1, "one update in the history");
  project.write("src.txt", "v2\n");
  await waitLog(page, "built from v2");
  // writeFileSync truncates, then writes: on a loaded machine the watcher can see the two apart
  // (more than the 50 ms debounce window), and then there are two updates, as in Tilt.
  await until(async () => {
    const rows = await page.$$eval("details.history tbody tr", (t) => t.map((r) => r.textContent));
    return rows.length >= 2 && rows[0].includes("Changed Files") && rows[0].includes("src.txt") &&
      rows[0].includes("ok");
  }, "the new update, newest first, with its reason, file and result");
  await shot(page, "resource");
});

test("a failed read of the log is retried: no line from before the page connected is lost", async ({ slant, browser }) => {
  // The lines of the failing build exist before this page connects, so only /api/logs brings them.
  await until(async () => (await apiResource(slant, "fails")).update_status === "error", "fails to fail");
  const page = await browser.page();
  let refused = 0;
  await page.route("**/api/logs*", (route) => (refused++ < 2 ? route.abort() : route.continue()));
  await page.goto(slant.url + "/#/logs");
  await waitLog(page, "about to fail");
  const stats = await page.evaluate(() => window.slant.stats);
  if (stats.fetchErrors !== 2) throw new Error("expected 2 failed reads of the log, the page counted " + stats.fetchErrors);
  if (!(await page.evaluate(() => window.slant.state.connected))) throw new Error("the page does not say live");
});

test("the log filter works by text, /regex/, level and source", async ({ page, slant }) => {
  await page.goto(slant.url + "/#/logs");
  await waitLog(page, "about to fail");
  await waitLog(page, "serving");
  const all = await page.evaluate(() => window.slant.view.log.count);
  await page.fill("#log-filter", "ABOUT TO");
  await until(async () => {
    const rows = await logRows(page);
    return rows.length >= 1 && rows.every((r) => r.text.toLowerCase().includes("about to"));
  }, "only the rows with 'about to'");
  await page.fill("#log-filter", "/^(ok|built from) /");
  await until(async () => {
    const rows = await logRows(page);
    return rows.length >= 1 && rows.every((r) => /^(ok|built from) /.test(r.text));
  }, "only the rows matching the regex");
  await page.fill("#log-filter", "/(/");
  await until(async () => (await page.getAttribute("#log-filter", "class") || "").includes("invalid"),
    "an invalid regex to be marked");
  await page.fill("#log-filter", "");
  await until(async () => (await page.evaluate(() => window.slant.view.log.count)) >= all, "the whole log back");
  await page.click('button[data-filter=level][data-value=error]');
  await until(async () => {
    const rows = await logRows(page);
    return rows.length >= 1 && rows.every((r) => r.cls.includes("error")) &&
      rows.some((r) => r.text.includes("exit status 3"));
  }, "only error rows");
  await shot(page, "logs-errors");
  await page.click('button[data-filter=level][data-value=all]');
  await page.click('button[data-filter=source][data-value=runtime]');
  await until(async () => {
    const rows = await logRows(page);
    return rows.length >= 1 && rows.every((r) => r.prefix === "server") &&
      rows.some((r) => r.text.includes("serving on :9000"));
  }, "only runtime rows (the serve_cmd's)");
  await page.click('button[data-filter=source][data-value=build]');
  await until(async () => {
    const rows = await logRows(page);
    return rows.length >= 1 && !rows.some((r) => r.text.includes("serving"));
  }, "only build rows");
  // The ANSI colour of "serving" is a span with a class.
  await page.click('button[data-filter=source][data-value=all]');
  await page.fill("#log-filter", "serving");
  await page.waitForSelector(".log-row span.c2", { timeout: 60000 });
  await shot(page, "logs-filtered");
});

test("disabling a resource stops its serve_cmd, and bulk actions work", async ({ project, slant, page }) => {
  await waitPill(page, "server", "runtime", "ok");
  const pid = Number(await until(() => project.read("server.pid"), "server.pid"));
  if (!alive(pid)) throw new Error("the serve_cmd is not running");
  await page.click(`${row("server")} button[data-action=enable]`);
  await waitPill(page, "server", "runtime", "disabled");
  await until(() => !alive(pid), `the serve_cmd (pid ${pid}) to stop`);
  if (!(await apiResource(slant, "server")).disabled) throw new Error("the API does not say disabled");

  await page.check(`${row("ok")} input[data-check]`);
  await page.check(`${row("fails")} input[data-check]`);
  await page.click("button[data-bulk=disable]");
  await waitPill(page, "ok", "update", "disabled");
  await waitPill(page, "fails", "update", "disabled");
  await until(async () => (await page.textContent("[data-count=disabled] b")) === "3", "3 disabled at the top");
  // A disabled resource is not failing: fails' group no longer counts an error.
  await until(async () => !(await page.textContent('[data-toggle-group="backend"]')).includes("error"),
    "the backend group to count no error");
  await shot(page, "overview-disabled");
  await page.click("button[data-bulk=enable]");
  await until(async () => !(await apiResource(slant, "ok")).disabled && !(await apiResource(slant, "fails")).disabled,
    "ok and fails to be enabled");
  await waitPill(page, "ok", "update", "ok");

  project.write("server.pid", "");
  await page.click(`${row("server")} button[data-action=enable]`);
  await waitPill(page, "server", "runtime", "ok");
  const again = Number(await until(() => project.read("server.pid"), "a new server.pid"));
  if (!alive(again)) throw new Error("the re-enabled serve_cmd is not running");
});

test("a broken Tiltfile edit shows the error with its file:line:col on (Tiltfile)", async ({ project, page }) => {
  await waitPill(page, "(Tiltfile)", "update", "ok");
  project.write("Tiltfile", kBrokenTiltfile);
  await page.waitForSelector("#tiltfile-banner:not([hidden])", { timeout: 60000 });
  const banner = await page.textContent("#tiltfile-banner");
  if (!/Tiltfile:\d+:\d+/.test(banner)) throw new Error("banner: " + banner);
  await waitPill(page, "(Tiltfile)", "update", "error");
  await page.click("#tiltfile-banner a");
  await page.waitForSelector('#detail[data-resource="(Tiltfile)"]');
  await page.waitForSelector(".res-error:not([hidden])");
  const error = await page.textContent(".res-error");
  // The error names the line of the failing call, and the backtrace the call of make().
  const lines = kBrokenTiltfile.split("\n");
  const failing = lines.findIndex((l) => l.includes("fail('no cmd for")) + 1;
  const caller = lines.findIndex((l) => l.startsWith("make('late')")) + 1;
  if (!error.includes(`Tiltfile:${failing}:`) || !error.includes(`Tiltfile:${caller}:`)) {
    throw new Error(`the error should name lines ${failing} and ${caller}:\n${error}`);
  }
  if (!error.includes("no cmd for late")) throw new Error("the error lacks fail()'s message:\n" + error);
  await waitLog(page, "no cmd for late");
  await shot(page, "tiltfile-error");
  // The resources of the last good Tiltfile keep running; fixing the Tiltfile clears the error.
  await page.goto(page.url().replace(/#.*$/, "#/"));
  await waitPill(page, "server", "runtime", "ok");
  project.write("Tiltfile", kTiltfile);
  await page.waitForSelector("#tiltfile-banner", { state: "hidden", timeout: 60000 });
  await waitPill(page, "(Tiltfile)", "update", "ok");
});

test("the trigger mode toggle switches a resource to manual and back", async ({ project, slant, page }) => {
  await waitPill(page, "built", "update", "ok");
  const mode = () => page.textContent(`${row("built")} button[data-action=mode]`);
  if ((await mode()) !== "auto") throw new Error("built starts " + (await mode()));
  await page.click(`${row("built")} button[data-action=mode]`);
  await until(async () => (await mode()) === "manual", "the toggle to say manual");
  if ((await apiResource(slant, "built")).trigger_mode !== "manual") throw new Error("the API does not say manual");
  const before = (await apiResource(slant, "built")).build_history.length;
  project.write("src.txt", "v3\n");
  // Manual: the change waits, shown as a pending file and a highlighted trigger button.
  await until(async () => (await page.textContent(`${row("built")} td[data-field=pending]`)) === "1 file",
    "the pending file");
  await page.waitForSelector(`${row("built")} button.trigger.dirty`);
  const waiting = await apiResource(slant, "built");
  if (waiting.build_history.length !== before || waiting.current_build) throw new Error("a manual resource updated by itself");
  await shot(page, "overview-manual-pending");
  await page.click(`${row("built")} button[data-action=trigger]`);
  await until(async () => (await apiResource(slant, "built")).build_history.length === before + 1, "the triggered update");
  await until(async () => (await page.textContent(`${row("built")} td[data-field=pending]`)) === "", "no pending file");
  await page.click(`${row("built")} button[data-action=mode]`);
  await until(async () => (await mode()) === "auto", "the toggle to say auto again");
  project.write("src.txt", "v4\n");
  await until(async () => (await apiResource(slant, "built")).build_history.length === before + 2,
    "an automatic update after the switch back to auto");
});

test("keyboard shortcuts: ?, /, j/k, Enter and r", async ({ project, page }) => {
  await page.waitForSelector(row("manual"));
  await page.keyboard.press("?");
  await page.waitForSelector("#help:not([hidden])");
  await shot(page, "help");
  await page.keyboard.press("Escape");
  await page.waitForSelector("#help", { state: "hidden" });
  await page.keyboard.press("/");
  if ((await page.evaluate(() => document.activeElement.id)) !== "resource-filter") throw new Error("/ did not focus the filter");
  await page.keyboard.press("Escape");
  for (let i = 0; i < 10; i++) {
    if ((await page.evaluate(() => window.slant.state.selected)) === "manual") break;
    await page.keyboard.press("j");
  }
  if ((await page.getAttribute(row("manual"), "class")).indexOf("selected") < 0) throw new Error("j did not select manual");
  await page.keyboard.press("r");
  await until(() => project.read("manual.out") !== null, "r to trigger manual");
  await page.keyboard.press("k");
  const selected = await page.evaluate(() => window.slant.state.selected);
  if (selected === "manual") throw new Error("k did not move");
  await page.keyboard.press("Enter");
  await page.waitForSelector(`#detail[data-resource="${selected}"]`);
});

test("the page says when slant is gone and catches up when it is back", async ({ project, slant, browser, page }) => {
  await waitPill(page, "server", "runtime", "ok");
  await page.waitForSelector(".conn.live");
  await page.goto(slant.url + "/#/logs");
  await waitLog(page, "serving");
  const port = slant.port;
  await slant.stop();
  await page.waitForSelector(".conn.down", { timeout: 60000 });
  const said = await page.textContent("#conn");
  if (!said.includes("disconnected")) throw new Error("the page says: " + said);
  await shot(page, "disconnected");
  // The same port, a new session: the page reconnects by itself and forgets the old log.
  const again = new Slant(slantBinary, project, { port });
  try {
    await again.start();
    await page.waitForSelector(".conn.live", { timeout: 60000 });
    await waitLog(page, "serving");
    await until(async () => (await page.evaluate(() => {
      let n = 0;
      window.slant.state.store.forEach((l) => (n += l.text.startsWith("Loading Tiltfile at:") ? 1 : 0));
      return n;
    })) === 1, "one session's log (one 'Loading Tiltfile' line)");
    const rows = await page.$$eval("#sidebar a[data-name]", (a) => a.length);
    if (rows !== 6) throw new Error(rows + " resources in the sidebar after the restart");
  } finally {
    await again.stop();
  }
});

async function main() {
  if (!slantBinary) {
    console.error("usage: node tests/ui/run.js PATH_TO_SLANT [SCREENSHOT_DIR] [TEST_NAME_SUBSTRING]");
    process.exit(2);
  }
  let passed = 0;
  const failed = [];
  // The modules' unit tests need no browser: they run first, and even when Chromium is missing.
  const unit = require("node:child_process").spawnSync(process.execPath, [path.join(__dirname, "unit.mjs")],
    { stdio: "inherit" });
  if (unit.status !== 0) failed.push("unit tests (unit.mjs)");
  const missing = missingPrerequisites();
  if (missing) {
    console.error("web_ui: cannot run the browser tests:\n" + missing);
    process.exit(1);
  }
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const start = Date.now();
    try {
      await withSlant(t.fn);
      passed++;
      console.log(`ok   ${t.name} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed.push(t.name);
      console.log(`FAIL ${t.name} (${((Date.now() - start) / 1000).toFixed(1)}s)\n${e.stack || e}`);
    }
  }
  console.log(`web_ui: ${passed} passed, ${failed.length} failed; screenshots in ${shotDir}`);
  process.exit(failed.length ? 1 : 0);
}

main();
