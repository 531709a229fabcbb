// Opens a notebook of a running classic Jupyter Notebook server (6.x) in headless Chromium, runs
// all cells on its kernel (--runs times in the same kernel, as a student runs a notebook again),
// checks that no run fails and that the three kinds of DeepToy output are drawn, and saves a
// screenshot. Run by BrowserNotebookTest; prints what it checked and exits non-zero on failure.
//
//   node run-notebook.js --url http://127.0.0.1:PORT/notebooks/NAME.ipynb?token=T
//        --kernel deeptoy --screenshot out.png --user-data-dir DIR [--chromium /usr/bin/chromium] [--runs 2]

const { chromium } = require('playwright-core');

function args() {
  const out = { chromium: '/usr/bin/chromium', kernel: 'deeptoy', timeout: 180000, runs: 1 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const key = a[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[key] = a[i + 1];
  }
  for (const k of ['url', 'screenshot', 'userDataDir']) {
    if (!out[k]) throw new Error(`run-notebook.js: --${k} is required`);
  }
  out.timeout = Number(out.timeout);
  out.runs = Number(out.runs);
  return out;
}

function log(msg) {
  console.log(`[browser] ${msg}`);
}

async function main() {
  const opt = args();
  const context = await chromium.launchPersistentContext(opt.userDataDir, {
    executablePath: opt.chromium,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let page;
  try {
    page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(opt.timeout);
    page.on('pageerror', (e) => log(`page error: ${(e && (e.message || e.stack)) || String(e)}`));
    page.on('dialog', (d) => log(`dialog: ${d.message()}`));
    log(`Chromium ${context.browser() ? context.browser().version() : ''} opening ${opt.url.replace(/token=\w+/, 'token=…')}`);
    await page.goto(opt.url, { waitUntil: 'load' });

    // The notebook app is loaded and its kernel (the one named in the notebook) is connected and idle.
    await until(page, () => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded,
      'the notebook to load', 60000);
    await until(page, () => {
      const k = Jupyter.notebook.kernel;
      return k && k.is_connected() && !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
    }, 'the kernel to start and become idle', opt.timeout);
    const kernelName = await page.evaluate(() => Jupyter.notebook.kernel.name);
    if (kernelName !== opt.kernel) {
      throw new Error(`the notebook runs kernel "${kernelName}", expected "${opt.kernel}"`);
    }
    log(`kernel "${kernelName}" idle; running all cells`);

    for (let run = 1; run <= opt.runs; run++) {
      await runAll(page, opt.timeout, run);
    }

    // The three kinds of output, each drawn and visible.
    // The cells have finished, so their outputs are in the page already: short waits, clear failures.
    const produced = await page.evaluate(() => Jupyter.notebook.get_cells()
      .filter((c) => c.cell_type === 'code')
      .map((c, i) => `cell ${i + 1}: ${c.output_area.outputs.map((o) => Object.keys(o.data || {}).join('+')
        || o.output_type).join(', ') || 'no output'}`));
    log(`outputs: ${produced.join('; ')}`);
    const svg = await visible(page, '.output_svg svg', 'the graph as SVG (image/svg+xml)', produced);
    const svgInfo = await svg.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return { w: box.width, h: box.height, text: el.textContent };
    });
    check(svgInfo.w > 20 && svgInfo.h > 20, `graph SVG has a size (${svgInfo.w}x${svgInfo.h})`);
    check(/\ba\b/.test(svgInfo.text) && /\bs\b/.test(svgInfo.text),
      `graph SVG names the nodes "a" and "s" (text: ${svgInfo.text.replace(/\s+/g, ' ').slice(0, 80)})`);

    const table = await visible(page, '.output_html table', 'the tensor as an HTML table (text/html)', produced);
    const tableInfo = await table.evaluate((el) => ({
      rows: el.querySelectorAll('tr').length, text: el.innerText,
    }));
    check(tableInfo.rows >= 2 && /\b6\b/.test(tableInfo.text) && /\b1\b/.test(tableInfo.text),
      `tensor table shows the 2x3 values (${tableInfo.rows} rows: ${tableInfo.text.replace(/\s+/g, ' ').slice(0, 80)})`);

    const img = await visible(page, '.output_png img', 'the loss chart as PNG (image/png)', produced);
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 15000 });
    const imgInfo = await img.evaluate((el) => ({
      w: el.naturalWidth, h: el.naturalHeight, src: el.src.slice(0, 22),
    }));
    check(imgInfo.src.startsWith('data:image/png') && imgInfo.w > 100 && imgInfo.h > 100,
      `loss chart is a decoded PNG (${imgInfo.w}x${imgInfo.h}, ${imgInfo.src}…)`);

    await screenshot(page, opt.screenshot);
    log(`screenshot ${opt.screenshot}`);
    log('PASS');
  } catch (e) {
    if (page) {
      await screenshot(page, opt.screenshot).then(() => log(`screenshot of the failure: ${opt.screenshot}`),
        () => {});
    }
    throw e;
  } finally {
    await context.close();
  }
}

/**
 * Cell > Run All: waits until every code cell has a new execution count and the kernel is idle; fails
 * naming the cells that show an error.
 */
async function runAll(page, timeout, run) {
  const before = await page.evaluate(() => Math.max(0, ...Jupyter.notebook.get_cells()
    .filter((c) => c.cell_type === 'code').map((c) => Number(c.input_prompt_number) || 0)));
  const cells = await page.evaluate(() => {
    Jupyter.notebook.clear_all_output();
    Jupyter.notebook.execute_all_cells();
    return Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code').length;
  });
  await page.waitForFunction((n) => Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code')
    .every((c) => typeof c.input_prompt_number === 'number' && c.input_prompt_number > n), before, { timeout })
    .catch((e) => { throw new Error(`waiting for run ${run} of all cells: ${e.message.split('\n')[0]}`); });
  await until(page, () => !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'),
    `the kernel to be idle after run ${run}`, timeout);
  log(`run ${run}: ${cells} code cells executed; kernel idle`);

  const errors = await page.evaluate(() => Jupyter.notebook.get_cells()
    .filter((c) => c.cell_type === 'code')
    .flatMap((c, i) => c.output_area.outputs
      .filter((o) => o.output_type === 'error')
      .map((o) => `cell ${i + 1}: ${o.ename}: ${o.evalue}\n${(o.traceback || []).join('\n')}`)));
  if (errors.length) {
    throw new Error(`cells failed in the browser (run ${run} of all cells):\n${errors.join('\n')}`);
  }
}

/**
 * Waits for ready() in the page; ends early, with its text, when Jupyter shows an error dialog
 * (unreadable notebook, kernel not found, kernel died) or the kernel indicator says dead.
 */
async function until(page, ready, what, timeout) {
  const state = await page.waitForFunction((src) => {
    // eslint-disable-next-line no-new-func
    if (new Function(`return (${src})()`)()) return 'ready';
    const modal = document.querySelector('.modal.in .modal-dialog');
    if (modal) return `dialog: ${modal.innerText.replace(/\s+/g, ' ').trim()}`;
    if (document.querySelector('#kernel_indicator_icon.kernel_dead_icon')) return 'the kernel is dead';
    return false;
  }, ready.toString(), { timeout }).then((h) => h.jsonValue(), (e) => `timed out after ${timeout / 1000} s (${e.message.split('\n')[0]})`);
  if (state !== 'ready') {
    throw new Error(`waiting for ${what}: ${state}`);
  }
}

async function visible(page, selector, what, produced) {
  const el = page.locator(selector).first();
  try {
    await el.waitFor({ state: 'visible', timeout: 15000 });
  } catch (e) {
    throw new Error(`${what} is not visible in the page (no visible ${selector}); outputs were: ${produced.join('; ')}`);
  }
  return el;
}

function check(ok, what) {
  if (!ok) throw new Error(`not drawn as expected: ${what}`);
  log(`ok: ${what}`);
}

/** The classic notebook scrolls inside #site, so grow the viewport to the notebook's height first. */
async function screenshot(page, path) {
  const height = await page.evaluate(() => {
    const header = document.querySelector('#header');
    const container = document.querySelector('#notebook-container');
    return (header ? header.offsetHeight : 0) + (container ? container.scrollHeight : 800) + 60;
  });
  await page.setViewportSize({ width: 1100, height: Math.min(Math.max(height, 600), 4000) });
  await page.evaluate(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.scroll_to_top(0));
  await page.screenshot({ path, fullPage: true });
}

main().then(() => process.exit(0), (e) => {
  console.error(`[browser] FAIL: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
