// Opens a notebook of a running classic Jupyter Notebook server (6.x) in headless Chromium, runs
// all cells on its kernel, checks that the three kinds of DeepToy output are drawn, and saves a
// screenshot. Run by BrowserNotebookTest; prints what it checked and exits non-zero on failure.
//
//   node run-notebook.js --url http://127.0.0.1:PORT/notebooks/NAME.ipynb?token=T
//        --kernel deeptoy --screenshot out.png --user-data-dir DIR [--chromium /usr/bin/chromium]

const { chromium } = require('playwright-core');

function args() {
  const out = { chromium: '/usr/bin/chromium', kernel: 'deeptoy', timeout: 180000 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const key = a[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    out[key] = a[i + 1];
  }
  for (const k of ['url', 'screenshot', 'userDataDir']) {
    if (!out[k]) throw new Error(`run-notebook.js: --${k} is required`);
  }
  out.timeout = Number(out.timeout);
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
    page.on('pageerror', (e) => log(`page error: ${e.message}`));
    page.on('dialog', (d) => log(`dialog: ${d.message()}`));
    log(`Chromium ${context.browser() ? context.browser().version() : ''} opening ${opt.url.replace(/token=\w+/, 'token=…')}`);
    await page.goto(opt.url, { waitUntil: 'load' });

    // The notebook app is loaded and its kernel (the one named in the notebook) is connected and idle.
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded);
    await page.waitForFunction(() => {
      const k = Jupyter.notebook.kernel;
      return k && k.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
    }).catch(async (e) => {
      const dialog = await page.locator('.modal-dialog').allInnerTexts();
      throw new Error(`the kernel did not start and become idle: ${e.message}\n${dialog.join('\n')}`);
    });
    const kernelName = await page.evaluate(() => Jupyter.notebook.kernel.name);
    if (kernelName !== opt.kernel) {
      throw new Error(`the notebook runs kernel "${kernelName}", expected "${opt.kernel}"`);
    }
    log(`kernel "${kernelName}" idle; running all cells`);

    // Run all cells, then wait until every code cell has its execution count and the kernel is idle.
    const cells = await page.evaluate(() => {
      Jupyter.notebook.clear_all_output();
      Jupyter.notebook.execute_all_cells();
      return Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code').length;
    });
    await page.waitForFunction(() => {
      const code = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
      return code.every((c) => typeof c.input_prompt_number === 'number')
        && document.querySelector('#kernel_indicator_icon.kernel_idle_icon');
    });
    log(`${cells} code cells executed; kernel idle`);

    // No cell may have failed.
    const errors = await page.evaluate(() => Jupyter.notebook.get_cells()
      .filter((c) => c.cell_type === 'code')
      .flatMap((c, i) => c.output_area.outputs
        .filter((o) => o.output_type === 'error')
        .map((o) => `cell ${i + 1}: ${o.ename}: ${o.evalue}\n${(o.traceback || []).join('\n')}`)));
    if (errors.length) {
      throw new Error(`cells failed in the browser:\n${errors.join('\n')}`);
    }

    // The three kinds of output, each drawn and visible.
    const svg = page.locator('.output_svg svg').first();
    await svg.waitFor({ state: 'visible' });
    const svgInfo = await svg.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return { w: box.width, h: box.height, text: el.textContent };
    });
    check(svgInfo.w > 20 && svgInfo.h > 20, `graph SVG has a size (${svgInfo.w}x${svgInfo.h})`);
    check(/\ba\b/.test(svgInfo.text) && /\bs\b/.test(svgInfo.text),
      `graph SVG names the nodes "a" and "s" (text: ${svgInfo.text.replace(/\s+/g, ' ').slice(0, 80)})`);

    const table = page.locator('.output_html table').first();
    await table.waitFor({ state: 'visible' });
    const tableInfo = await table.evaluate((el) => ({
      rows: el.querySelectorAll('tr').length, text: el.innerText,
    }));
    check(tableInfo.rows >= 2 && /\b6\b/.test(tableInfo.text) && /\b1\b/.test(tableInfo.text),
      `tensor table shows the 2x3 values (${tableInfo.rows} rows: ${tableInfo.text.replace(/\s+/g, ' ').slice(0, 80)})`);

    const img = page.locator('.output_png img').first();
    await img.waitFor({ state: 'visible' });
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
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
