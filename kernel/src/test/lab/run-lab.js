// DeepToy in JupyterLab 4 (Debian 13's `jupyterlab` 4.0.11), driven in headless Chromium:
//  1. a notebook stored with its outputs, opened as a student gets it (not trusted: Lab withholds SVG
//     and sanitizes HTML), must still show its graphs (their PNG) and its tensor tables;
//  2. a notebook run live (Run All Cells) must show the graph, 2-D and 3-D tensor tables, the loss
//     chart and the compile error with its caret, in an editor that highlights Java.
// Saves a screenshot of each. Prints what it checked; exits non-zero on failure.
//
//   node run-lab.js --base http://127.0.0.1:PORT/ --token T --stored STORED.ipynb --live LIVE.ipynb
//        --screenshots DIR --user-data-dir DIR [--chromium /usr/bin/chromium] [--timeout 300000]

const { chromium } = require('playwright-core');
const path = require('path');

function args() {
  const out = { chromium: '/usr/bin/chromium', timeout: 300000 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const key = a[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[key] = a[i + 1];
  }
  for (const k of ['base', 'token', 'stored', 'live', 'screenshots', 'userDataDir']) {
    if (!out[k]) throw new Error(`run-lab.js: --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is required`);
  }
  out.timeout = Number(out.timeout);
  return out;
}

function log(msg) {
  console.log(`[lab] ${msg}`);
}

function check(ok, what) {
  if (!ok) throw new Error(`not as expected: ${what}`);
  log(`ok: ${what}`);
}

async function open(page, opt, name) {
  const url = `${opt.base}lab/tree/${encodeURIComponent(name)}?token=${opt.token}`;
  log(`opening ${url.replace(/token=\w+/, 'token=…')}`);
  await page.goto(url, { waitUntil: 'load' });
  await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').first()
    .waitFor({ state: 'visible', timeout: 120000 });
  await dismissDialogs(page);
}

/** Lab may ask which kernel to use or say a kernel is busy; a test has no one to click: say what it was. */
async function dismissDialogs(page) {
  const dialog = page.locator('.jp-Dialog');
  if (await dialog.count()) {
    const text = (await dialog.first().innerText()).replace(/\s+/g, ' ');
    throw new Error(`JupyterLab shows a dialog: ${text}`);
  }
}

/** What each output area holds, for failure messages. */
async function outputs(page) {
  return page.evaluate(() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')]
    .map((cell, i) => {
      const kinds = [...cell.querySelectorAll('.jp-OutputArea-output')].map((o) => [...o.classList]
        .filter((c) => c.startsWith('jp-Rendered') || c === 'jp-OutputArea-executeResult').join('+') || 'output');
      return `cell ${i + 1}: ${kinds.join(', ') || '-'}`;
    }).join('; '));
}

async function images(page, prefix) {
  // wait for the images to decode, then measure them
  return page.evaluate(async (p) => {
    const imgs = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img')]
      .filter((i) => i.src.startsWith(p));
    await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => { i.onload = r; i.onerror = r; }))));
    return imgs.map((i) => ({ w: i.naturalWidth, h: i.naturalHeight, shownW: i.getBoundingClientRect().width }));
  }, prefix);
}

async function tables(page) {
  return page.evaluate(() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedHTMLCommon table')].map((t) => {
    const cs = getComputedStyle(t);
    return { rows: t.querySelectorAll('tr').length, text: t.innerText.replace(/\s+/g, ' ').trim(),
      collapse: cs.borderCollapse, w: t.getBoundingClientRect().width, style: t.getAttribute('style') || '' };
  }));
}

async function shot(page, file) {
  // Lab scrolls inside the notebook: make the window as tall as the notebook, then take the page
  const height = await page.evaluate(() => {
    const nb = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer, '
      + '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
    return nb ? nb.scrollHeight + 160 : 900;
  });
  await page.setViewportSize({ width: 1200, height: Math.min(Math.max(height, 700), 4000) });
  await page.waitForTimeout(500);
  await page.screenshot({ path: file });
  log(`screenshot ${file}`);
}

async function stored(page, opt) {
  await open(page, opt, opt.stored);
  // outputs of a stored notebook render as soon as it opens; give the renderers a moment
  await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output').first()
    .waitFor({ state: 'visible', timeout: 60000 });
  await page.waitForTimeout(1500);
  const seen = await outputs(page);
  log(`stored notebook outputs: ${seen}`);
  const trusted = await page.evaluate(() => document.body.innerText.includes('Cannot display an untrusted SVG'));
  const pngs = await images(page, 'data:image/png');
  const svgs = await images(page, 'data:image/svg');
  const withheld = await page.evaluate(() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')]
    .filter((o) => o.innerText.includes('Cannot display an untrusted SVG')).length);
  log(`untrusted view: ${pngs.length} PNG, ${svgs.length} SVG images, ${withheld} SVG withheld`);
  check(svgs.length === 0, 'the notebook is opened untrusted (Lab shows none of its SVG)');
  check(withheld === 0 && !trusted, 'no output says "Cannot display an untrusted SVG" (each graph has its PNG)');
  check(pngs.length >= opt.minPictures && pngs.every((i) => i.w > 50 && i.h > 30),
    `${pngs.length} pictures drawn from PNG (at least ${opt.minPictures}; sizes ${pngs.map((i) => `${i.w}x${i.h}`).join(', ')})`);
  const t = await tables(page);
  check(t.length >= 1 && t.every((x) => x.rows >= 2 && x.w > 20),
    `${t.length} tensor tables kept by the HTML sanitizer (${t.map((x) => `${x.rows} rows`).join(', ')})`);
  await shot(page, path.join(opt.screenshots, 'lab-stored-untrusted.png'));
}

async function live(page, opt) {
  await open(page, opt, opt.live);
  // the kernel named in the notebook starts by itself; cells sent before it is connected are dropped,
  // so wait until the status bar says it is idle
  await page.waitForFunction(() => {
    const bar = document.querySelector('.jp-StatusBar-Widget');
    return bar && /Java \(DeepToy\) \| Idle/.test(bar.innerText);
  }, null, { timeout: opt.timeout }).catch(async () => {
    const bar = await page.evaluate(() => (document.querySelector('.jp-StatusBar-Widget') || {}).innerText);
    throw new Error(`the kernel did not become idle in ${opt.timeout / 1000} s (status bar: ${bar})`);
  });
  log('kernel idle; Run > Run All Cells');
  await page.locator('.lm-MenuBar-itemLabel', { hasText: /^Run$/ }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: /^Run All Cells$/ }).click();
  const count = await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell').count();
  // every code cell has run (a number in its prompt) or was skipped after the error in the last one
  await page.waitForFunction((n) => {
    const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
      .map((p) => p.innerText.trim());
    return prompts.length === n && prompts.every((p) => /^\[\d+\]:$/.test(p));
  }, count, { timeout: opt.timeout }).catch(async () => {
    throw new Error(`the cells did not all run in ${opt.timeout / 1000} s; outputs: ${await outputs(page)}`);
  });
  const seen = await outputs(page);
  log(`${count} code cells ran; outputs: ${seen}`);
  // the editor's language comes from the kernel's language_info (codemirror_mode)
  const language = await page.evaluate(() => {
    const cm = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .cm-content');
    return cm && cm.getAttribute('data-language');
  });
  check(language === 'java', `code cells are edited as Java (CodeMirror language "${language}")`);
  const svgs = await images(page, 'data:image/svg');
  check(svgs.length === 1 && svgs[0].w > 50, `the graph is drawn from its SVG (${svgs.map((i) => `${i.w}x${i.h}`)})`);
  const graphText = await page.evaluate(() => {
    const img = [...document.querySelectorAll('.jp-OutputArea-output img')].find((i) => i.src.startsWith('data:image/svg'));
    return decodeURIComponent(img.src.slice(img.src.indexOf(',') + 1));
  });
  check(graphText.includes('= 3.5') && graphText.includes('∂L = 1'), 'the graph shows the value 3.5 and the gradient 1');
  const t = await tables(page);
  // the first table's text: caption, column indices, then each row after its index ("0 1 2 3 1 4 5 6")
  check(t.length >= 3 && / 1 2 3 /.test(` ${t[0].text} `) && / 4 5 6 /.test(` ${t[0].text} `),
    `tensor tables: the 2x3 matrix and the two matrices of the 2x2x3 tensor (${t.length} tables: ${t[0] && t[0].text})`);
  const pngs = await images(page, 'data:image/png');
  check(pngs.some((i) => i.w > 100 && i.h > 100), `the loss chart is a decoded PNG (${pngs.map((i) => `${i.w}x${i.h}`)})`);
  const error = await page.evaluate(() => {
    const e = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]');
    return e ? e.innerText : '';
  });
  check(/incompatible types/.test(error) && /\^/.test(error), `the compile error shows its message and caret (${error.split('\n')[0]})`);
  await shot(page, path.join(opt.screenshots, 'lab-live.png'));
}

async function main() {
  const opt = args();
  opt.minPictures = Number(opt.minPictures || 1);
  const context = await chromium.launchPersistentContext(opt.userDataDir, {
    executablePath: opt.chromium,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(60000);
  page.on('pageerror', (e) => log(`page error: ${(e && (e.message || e.stack)) || String(e)}`));
  log(`Chromium ${context.browser() ? context.browser().version() : ''}`);
  try {
    await stored(page, opt);
    await live(page, opt);
    log('PASS');
  } catch (e) {
    await page.screenshot({ path: path.join(opt.screenshots, 'lab-failure.png') }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`[lab] FAIL: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
