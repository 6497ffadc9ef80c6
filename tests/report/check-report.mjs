// Opens an Export-MediaReport HTML file in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core over the DevTools protocol) from a file URL, the way a reviewer opens an e-mail attachment,
// and checks what a person would see. Prints one JSON object; exits 1 with the problems when a check fails.
//   node check-report.mjs --report r.html --screenshot out.png --verdict "1 failure" --text "<script>…" [--failure-item name]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const { values: a } = parseArgs({
  options: {
    report: { type: 'string' }, screenshot: { type: 'string' }, verdict: { type: 'string' },
    text: { type: 'string', multiple: true, default: [] }, 'failure-item': { type: 'string', multiple: true, default: [] },
  },
});
const problems = [];
const consoleErrors = [];
const requests = [];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  // Debian's chromium as root in a container, on a machine with no network: no sandbox, no background traffic.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  const url = pathToFileURL(resolve(a.report)).href;
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });

  const response = await page.goto(url, { waitUntil: 'load' });
  if (!response || !response.ok()) problems.push(`the page did not load: ${response && response.status()}`);

  const dom = await page.evaluate(() => {
    const verdict = document.getElementById('verdict');
    const box = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    return {
      title: document.title,
      verdict: verdict ? verdict.textContent : null,
      verdictVisible: !!verdict && box(verdict),
      // The inline style applied: proves the CSP hash matches the <style> (a blocked style leaves the default).
      verdictBackground: verdict ? getComputedStyle(verdict).backgroundColor : null,
      failureRows: [...document.querySelectorAll('#attention tr.fail, #attention tr.error')]
        .filter(box).map((tr) => [...tr.cells].map((td) => td.textContent)),
      activeElements: document.querySelectorAll('script, iframe, object, embed, img, link, form, base').length,
      eventHandlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((at) => at.name.startsWith('on'))).length,
      chartBars: document.querySelectorAll('#rows-chart rect').length,
      chartVisible: !!document.getElementById('rows-chart') && box(document.getElementById('rows-chart')),
      bodyText: document.body.innerText,
      cellTexts: [...document.querySelectorAll('td')].map((td) => td.textContent),
    };
  });

  if (!dom.verdictVisible) problems.push('the verdict is not visible');
  if (a.verdict && !(dom.verdict || '').startsWith(a.verdict)) problems.push(`verdict '${dom.verdict}' does not start with '${a.verdict}'`);
  if (dom.verdictBackground === 'rgba(0, 0, 0, 0)') problems.push('the inline style was not applied (CSP hash mismatch?)');
  if (a['failure-item'].length && dom.failureRows.length === 0) problems.push('no failure row is visible in "Needs attention"');
  for (const item of a['failure-item'])
    if (!dom.failureRows.some((cells) => cells.includes(item))) problems.push(`no visible failure row for '${item}'`);
  for (const text of a.text)
    if (!dom.cellTexts.includes(text) && !dom.bodyText.includes(text)) problems.push(`'${text}' is not shown as text`);
  if (dom.activeElements !== 0) problems.push(`${dom.activeElements} script/img/iframe/link/form elements in the DOM`);
  if (dom.eventHandlers !== 0) problems.push(`${dom.eventHandlers} elements with on* attributes`);
  if (!dom.chartVisible || dom.chartBars === 0) problems.push('the SVG chart is not visible');
  if (consoleErrors.length) problems.push(`console: ${consoleErrors.join(' | ')}`);
  if (requests.length) problems.push(`network requests: ${requests.join(', ')}`);

  if (a.screenshot) {
    mkdirSync(dirname(resolve(a.screenshot)), { recursive: true });
    await page.screenshot({ path: a.screenshot, fullPage: true });
  }
  console.log(JSON.stringify({
    title: dom.title, verdict: dom.verdict, verdictBackground: dom.verdictBackground, failureRows: dom.failureRows.length,
    chartBars: dom.chartBars, consoleErrors, requests, problems,
  }));
} finally {
  await browser.close();
}
process.exit(problems.length ? 1 : 0);
