// What the browser tests and the load test share: starting a real `slant up` on a Tiltfile in a
// temp dir, Debian's headless Chromium through playwright-core, waiting for conditions, and
// cleaning all of it up (slant, whose own processes die with it, the browser, the temp dirs).

"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const kChromium = process.env.SLANT_CHROMIUM || "/usr/bin/chromium";
// Generous: the tests run the Debug (sanitizer) build on a busy machine.
const kWait = 60000;

/** Says what is missing to run the browser tests, or "" when nothing is. */
function missingPrerequisites() {
  const problems = [];
  if (!fs.existsSync(kChromium)) {
    problems.push(
      `${kChromium} not found: install Debian's chromium (sudo apt-get install chromium), ` +
        "or run scripts/setup.sh, which does; SLANT_CHROMIUM names another binary");
  }
  const modules = path.join(__dirname, "node_modules", "playwright-core");
  if (!fs.existsSync(modules)) {
    problems.push(
      `${modules} not found: run (cd tests/ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci), ` +
        "or scripts/setup.sh, which does");
  }
  return problems.join("\n");
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls fn() until it returns something truthy; throws naming `what` after `timeout` ms. */
async function until(fn, what, timeout = kWait) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / 1000}s waiting for ${what}` +
        (last ? ` (last error: ${last.message})` : ""));
    }
    await sleep(100);
  }
}

/** Whether a process is alive (a zombie is not). */
function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** A temp dir holding a project; write(name, text) writes a file in it. */
class Project {
  constructor(prefix = "slant-ui-") {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }
  path(name) {
    return path.join(this.dir, name);
  }
  write(name, text) {
    const p = this.path(name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  }
  read(name) {
    try {
      return fs.readFileSync(this.path(name), "utf8");
    } catch {
      return null;
    }
  }
  remove() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A running `slant up`; start() resolves once it prints its URL. */
class Slant {
  constructor(binary, project, { port = 0, args = [] } = {}) {
    this.binary = path.resolve(binary);
    this.project = project;
    this.port = port;
    this.args = args;
    this.output = "";
  }

  async start() {
    this.proc = spawn(this.binary, ["up", "--port", String(this.port), ...this.args], {
      cwd: this.project.dir,
      env: { ...process.env, SLANT_HOME: this.project.path(".slant-home") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code, signal) => resolve({ code, signal })));
    this.proc.on("error", (e) => {
      this.output += `could not start ${this.binary}: ${e.message}\n`;
    });
    const collect = (d) => {
      this.output += d.toString();
      if (this.output.length > 1 << 20) this.output = this.output.slice(-(1 << 19));
    };
    this.proc.stdout.on("data", collect);
    this.proc.stderr.on("data", collect);
    const m = await until(() => /slant started on (http:\/\/[^/\s]+)\//.exec(this.output) ||
      (this.proc.exitCode !== null && Promise.reject(new Error("slant exited: " + this.output))),
      "slant up to print its URL");
    this.url = m[1];
    this.port = Number(new URL(this.url).port);
    return this;
  }

  /** Stops slant (SIGINT, then SIGKILL after 30 s); its processes stop with it. */
  async stop() {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill("SIGINT");
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 30000);
    await this.exited;
    clearTimeout(timer);
  }

  /** GET a path of the API as JSON. */
  async get(p) {
    const res = await fetch(this.url + p);
    return res.json();
  }
}

/** Headless Chromium with a fresh profile; page() opens a tab that logs its errors. */
class Browser {
  async start() {
    const { chromium } = require("playwright-core");
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), "slant-ui-profile-"));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: kChromium,
      headless: true,
      viewport: { width: 1400, height: 860 },
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    });
    this.errors = [];
    return this;
  }

  async page(url) {
    const page = await this.context.newPage();
    page.on("pageerror", (e) => this.errors.push(e.message));
    // Uncaught exceptions fail a test; console errors and warnings (e.g. a refused WebSocket
    // while slant restarts) are only kept for the report of a failed test.
    this.console = this.console || [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") this.console.push(m.type() + ": " + m.text());
    });
    if (url) await page.goto(url);
    return page;
  }

  async stop() {
    try {
      if (this.context) await this.context.close();
    } finally {
      if (this.profile) fs.rmSync(this.profile, { recursive: true, force: true });
    }
  }
}

module.exports = { missingPrerequisites, until, sleep, alive, Project, Slant, Browser, kWait };
