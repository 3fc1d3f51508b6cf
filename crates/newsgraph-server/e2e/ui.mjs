// Drives the web UI in headless chromium: the list and search with
// highlighted snippets, the seed article with its sentence highlights, a
// hostile article rendered as text, the quotes table filtered by speaker, an
// actor page, an article with entity and quote highlights, a hostile actor,
// the network graph, and screenshots.
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

  // The quotes table: one row per statement, with its evidence; filtered by speaker.
  await page.goto(base + "/#/quotes");
  await page.waitForSelector("#view table.quotes tr.quote");
  const rows = await page.$$eval("#view table.quotes tr.quote", (r) => r.map((x) => x.textContent));
  check(rows.some((t) => t.includes("the resistance will continue")), "fixture quote missing: " + rows.join(" | "));
  await page.fill("#view form.filters input[name=speaker]", "Shammari");
  await page.press("#view form.filters input[name=speaker]", "Enter");
  await page.waitForFunction(() => window.location.hash.includes("speaker=Shammari"));
  await page.waitForFunction(() => {
    const r = [...document.querySelectorAll("#view table.quotes tr.quote")];
    return r.length > 0 && r.every((x) => x.textContent.includes("Shammari"));
  });
  const evidence = await page.$$eval("#view table.quotes tr.quote td.evidence", (c) => c.map((x) => x.textContent));
  check(evidence.includes("2"), "no statement with two articles of evidence: " + evidence.join(","));
  await page.screenshot({ path: outDir + "/quotes.png", fullPage: true });

  // Through the speaker to the actor page: every mention and statement.
  await page.click("#view table.quotes tr.quote a.speaker");
  await page.waitForSelector("#view table.mentions tr.mention");
  check((await page.textContent("#view h1")) === "Nasr al-Shammari", "actor page title");
  const nMentions = (await page.$$("#view table.mentions tr.mention")).length;
  const nStatements = (await page.$$("#view table.quotes tr.quote")).length;
  check(nMentions >= 4 && nStatements >= 3, `actor page: ${nMentions} mentions, ${nStatements} statements`);
  await page.screenshot({ path: outDir + "/actor.png", fullPage: true });

  // The article of a statement: entities and quotes highlighted, speaker linked to content.
  await page.click("#view table.quotes tr.quote a.doc");
  await page.waitForSelector("#doc .q-content");
  check((await page.$$("#doc .text a.ent")).length >= 8, "entity mentions not highlighted");
  check((await page.$$("#doc .text .q-speaker")).length >= 4, "speakers not highlighted");
  await page.hover("#doc .text .q-speaker");
  check((await page.$$("#doc .text .linked")).length >= 2, "hovering a speaker does not light up its quote");
  await page.screenshot({ path: outDir + "/article-quotes.png", fullPage: true });

  // A hostile actor: its name, code and quote render as text.
  await page.goto(base + "/#/actor/" + encodeURIComponent("<b onmouseover=alert(1)>Evil</b>"));
  await page.waitForSelector("#view table.quotes tr.quote");
  check((await page.textContent("#view h1")).includes("<b onmouseover"), "hostile actor name not shown as text");
  const bad = await page.$$eval("#view b, #view img, #view script, #view svg, #view a[href^='javascript']", (x) => x.length);
  check(bad === 0, `${bad} element(s) from hostile records became markup`);

  // The network: who quotes whom, drawn as SVG.
  await page.goto(base + "/#/network");
  await page.waitForSelector("#view svg.network circle");
  const nodes = (await page.$$("#view svg.network circle")).length;
  check(nodes >= 3, `only ${nodes} network node(s)`);
  await page.screenshot({ path: outDir + "/network.png", fullPage: true });

  check(problems.length === 0, problems.join("; "));
  console.log(`ui test ok: ${sentences.length} sentences, ${nStatements} statements and ${nMentions} mentions on the actor page, ${nodes} network nodes; screenshots in ${outDir}`);
} finally {
  await browser.close();
}
