// Screenshot of a run's report.html in headless Chromium (the one the e2e
// test uses), e.g. for docs/images/:
//   npx tsx harness/scripts/report-screenshot.ts REPORT_DIR OUT.png [#anchor] [WIDTHxHEIGHT]
// Prints the page's load timing.
import { join, resolve } from "node:path";
import { Browser } from "../test/e2e/helpers/chromium.js";

async function main(): Promise<void> {
  const [dir, out, anchor = "", size = "1200x860"] = process.argv.slice(2);
  if (!dir || !out) {
    process.stderr.write("usage: report-screenshot.ts REPORT_DIR OUT.png [#anchor] [WIDTHxHEIGHT]\n");
    process.exitCode = 2;
    return;
  }
  const [width, height] = size.split("x").map(Number);
  const browser = await Browser.launch();
  try {
    const page = await browser.newPage(width, height);
    const timing = await page.goto(`file://${join(resolve(dir), "report.html")}${anchor}`);
    const bytes = await page.screenshot(resolve(out));
    process.stdout.write(`${resolve(out)}: ${bytes} bytes; ${JSON.stringify(timing)}\n`);
  } finally {
    await browser.close();
  }
}

void main();
