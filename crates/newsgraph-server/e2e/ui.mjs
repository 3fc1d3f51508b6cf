// Drives the web UI in headless chromium: the list and search with
// highlighted snippets, the seed article with its sentence highlights, a
// hostile article rendered as text, and a screenshot.
//
// Usage: node ui.mjs BASE_URL SCREENSHOT_DIR
// Environment: CHROMIUM (default /usr/bin/chromium).
import { chromium } from "playwright-core";

const [base, outDir] = process.argv.slice(2);
const fail = (msg) => {
  console.error("ui test failed: " + msg);
  process.exit(1);
};
const check = (cond, msg) => {
  if (!cond) fail(msg);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
  timeout: 60_000,
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 1400 } });
  page.setDefaultTimeout(15_000);
  const problems = [];
  page.on("dialog", (d) => {
    problems.push("a dialog opened: " + d.message());
    d.dismiss();
  });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push("console error: " + m.text());
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(base)) problems.push("request outside the server: " + r.url());
  });

  // The list, then a search with highlighted snippets.
  await page.goto(base + "/");
  await page.waitForSelector("#list .item a");
  check((await page.textContent("#stats")).includes("documents"), "no totals in the header");
  await page.fill("#q", "Nujaba");
  await page.press("#q", "Enter");
  await page.waitForSelector("#list .snippet mark");
  const marks = await page.$$eval("#list .snippet mark", (m) => m.map((x) => x.textContent));
  check(marks.some((t) => /nujaba/i.test(t)), "search hit not highlighted: " + marks.join(", "));

  // The seed article: title, sentences as highlightable spans, offsets on click.
  await page.click("#list .item a");
  await page.waitForSelector("#doc h1");
  check(!(await page.isVisible("#timeline")) && !(await page.isVisible("#list")), "list still shown");
  const title = await page.textContent("#doc h1");
  check(title.includes("Iraqi Resistance Groups Vow Action"), "seed title: " + title);
  const sentences = await page.$$("#doc .sentence");
  check(sentences.length >= 10, `only ${sentences.length} sentence highlights`);
  await sentences[1].click();
  check((await page.$$("#doc .sentence.selected")).length === 1, "clicked sentence not selected");
  const shown = await page.textContent("#doc");
  check(/sentence 1: bytes \d+–\d+/.test(shown), "no offsets shown for the clicked sentence");
  await page.screenshot({ path: outDir + "/seed-article.png", fullPage: true });

  // A hostile article: its markup shows as text and nothing runs.
  await page.goto(base + "/#/?search=" + encodeURIComponent("hostile headline"));
  await page.waitForSelector("#list .item a");
  await page.click("#list .item a");
  await page.waitForSelector("#doc h1");
  const h1 = await page.textContent("#doc h1");
  check(h1.includes("<script>"), "hostile title not shown as text: " + h1);
  const injected = await page.$$eval("#doc script, #doc img, #doc a[href^='javascript']", (x) => x.length);
  check(injected === 0, `${injected} element(s) from article text became markup`);
  check((await page.textContent("#doc .text")).includes('<a href="javascript:'), "hostile link not shown as text");
  await page.screenshot({ path: outDir + "/hostile-article.png", fullPage: true });

  check(problems.length === 0, problems.join("; "));
  console.log(`ui test ok: ${sentences.length} sentences, screenshots in ${outDir}`);
} finally {
  await browser.close();
}
