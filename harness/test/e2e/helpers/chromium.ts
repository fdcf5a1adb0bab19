// Headless Chromium driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4), so
// the tests need no browser download, no npm driver and no port. The flags
// keep it off the network: this machine's closed network makes a default
// Chromium hang on its background fetches.
import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/** Where Debian's packages put the browser (chromium-headless-shell first: smaller, no display needed). */
export const CHROMIUM_CANDIDATES = [
  "/usr/bin/chromium-headless-shell",
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium",
  "/usr/lib/chromium/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];

export function findChromium(): string | undefined {
  const fromEnv = process.env.AHC_CHROMIUM;
  for (const p of [...(fromEnv ? [fromEnv] : []), ...CHROMIUM_CANDIDATES]) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
  "--disable-extensions",
  "--disable-default-apps",
  "--mute-audio",
  "--hide-scrollbars",
];

type Json = Record<string, unknown>;
interface Pending {
  resolve: (v: Json) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(m: Json) => void>();
  private buffer = "";
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly userDataDir: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.setEncoding("utf8");
    out.on("data", (chunk: string) => {
      this.buffer += chunk;
      let end = this.buffer.indexOf("\0");
      while (end >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, end)) as Json;
        this.buffer = this.buffer.slice(end + 1);
        this.dispatch(msg);
        end = this.buffer.indexOf("\0");
      }
    });
    child.stderr?.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    child.on("exit", () => {
      for (const p of this.pending.values())
        p.reject(new Error(`chromium exited: ${this.stderr.slice(-800)}`));
      this.pending.clear();
    });
  }

  static async launch(executable = findChromium()): Promise<Browser> {
    if (!executable) throw new Error("no Chromium found (bash harness/scripts/chromium.sh installs it)");
    const userDataDir = mkdtempSync(join(tmpdir(), "ahc-chromium-"));
    const child = spawn(
      executable,
      [...CHROMIUM_FLAGS, `--user-data-dir=${userDataDir}`, "--remote-debugging-pipe", "about:blank"],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    const browser = new Browser(child, userDataDir);
    await browser.send("Browser.getVersion", {}, undefined, 20_000);
    return browser;
  }

  private dispatch(msg: Json): void {
    const id = msg.id as number | undefined;
    if (id !== undefined) {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      const error = msg.error as { message?: string } | undefined;
      if (error) p.reject(new Error(`${error.message ?? "CDP error"}`));
      else p.resolve((msg.result ?? {}) as Json);
      return;
    }
    for (const l of this.listeners) l(msg);
  }

  send(method: string, params: Json = {}, sessionId?: string, timeoutMs = 30_000): Promise<Json> {
    const id = this.nextId++;
    const input = this.child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new Error(`${method}: no answer in ${timeoutMs} ms; chromium said: ${this.stderr.slice(-800)}`),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** The next event `method` of a session. */
  waitFor(method: string, sessionId: string, timeoutMs = 30_000): Promise<Json> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`${method}: not seen in ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (m: Json) => {
        if (m.method === method && m.sessionId === sessionId) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve((m.params ?? {}) as Json);
        }
      };
      this.listeners.add(listener);
    });
  }

  async newPage(width = 1280, height = 900): Promise<Page> {
    const { targetId } = (await this.send("Target.createTarget", { url: "about:blank" })) as {
      targetId: string;
    };
    const { sessionId } = (await this.send("Target.attachToTarget", { targetId, flatten: true })) as {
      sessionId: string;
    };
    const page = new Page(this, sessionId);
    await page.send("Page.enable");
    await page.send("Runtime.enable");
    await page.send("Emulation.setDeviceMetricsOverride", {
      width,
      height,
      deviceScaleFactor: 1,
      mobile: false,
    });
    return page;
  }

  async close(): Promise<void> {
    await this.send("Browser.close", {}, undefined, 5_000).catch(() => undefined);
    if (this.child.exitCode === null && this.child.pid) {
      const exited = new Promise((r) => this.child.once("exit", r));
      const timer = setTimeout(() => this.child.kill("SIGKILL"), 3_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.userDataDir, { recursive: true, force: true });
  }
}

export interface LoadTiming {
  /** Wall clock from Page.navigate to the DOMContentLoaded event, as the test saw it. */
  wallDomContentLoadedMs: number;
  /** The page's own navigation timing (ms from navigation start). */
  domContentLoadedMs: number;
  loadMs: number;
  firstContentfulPaintMs?: number;
}

export class Page {
  constructor(
    private readonly browser: Browser,
    readonly sessionId: string,
  ) {}

  send(method: string, params: Json = {}): Promise<Json> {
    return this.browser.send(method, params, this.sessionId);
  }

  /** Navigates and waits for the load event; returns the timings. */
  async goto(url: string): Promise<LoadTiming> {
    const dcl = this.browser.waitFor("Page.domContentEventFired", this.sessionId);
    const load = this.browser.waitFor("Page.loadEventFired", this.sessionId);
    const t0 = performance.now();
    const nav = (await this.send("Page.navigate", { url })) as { errorText?: string };
    if (nav.errorText) throw new Error(`cannot open ${url}: ${nav.errorText}`);
    await dcl;
    const wallDomContentLoadedMs = performance.now() - t0;
    await load;
    const t = (await this.evaluate(`(() => {
      const n = performance.getEntriesByType("navigation")[0];
      const fcp = performance.getEntriesByName("first-contentful-paint")[0];
      return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: fcp ? fcp.startTime : null };
    })()`)) as { dcl: number; load: number; fcp: number | null };
    return {
      wallDomContentLoadedMs,
      domContentLoadedMs: t.dcl,
      loadMs: t.load,
      ...(t.fcp !== null ? { firstContentfulPaintMs: t.fcp } : {}),
    };
  }

  async evaluate<T = unknown>(expression: string): Promise<T> {
    const r = (await this.send("Runtime.evaluate", {
      expression,
      returnByValue: true,
      awaitPromise: true,
    })) as {
      result?: { value?: T };
      exceptionDetails?: { text?: string; exception?: { description?: string } };
    };
    if (r.exceptionDetails)
      throw new Error(
        `page error: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text ?? "exception"}`,
      );
    return r.result?.value as T;
  }

  /** A PNG of the viewport (or of `clip`, in CSS pixels), written to `path`. */
  async screenshot(
    path: string,
    clip?: { x: number; y: number; width: number; height: number },
  ): Promise<number> {
    const { data } = (await this.send("Page.captureScreenshot", {
      format: "png",
      ...(clip ? { clip: { ...clip, scale: 1 }, captureBeyondViewport: true } : {}),
    })) as { data: string };
    const png = Buffer.from(data, "base64");
    writeFileSync(path, png);
    return png.length;
  }
}
