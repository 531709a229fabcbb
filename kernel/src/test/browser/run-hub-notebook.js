// A student in headless Chromium on a DeepToy class hub: logs in through JupyterHub's login page,
// opens a course notebook in the classic notebook, runs all cells and checks that the graph picture
// (SVG) is drawn; saves a screenshot. Run by ClassroomHubTest (through bench/classroom.sh --then).
//
//   node run-hub-notebook.js --hub http://127.0.0.1:PORT --user NAME --password PW
//        --notebook course/02-graph.ipynb --screenshot out.png --user-data-dir DIR [--chromium PATH]

const { chromium } = require('playwright-core');

function args() {
  const out = { chromium: '/usr/bin/chromium', password: 'x', timeout: 240000 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    out[a[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = a[i + 1];
  }
  for (const k of ['hub', 'user', 'notebook', 'screenshot', 'userDataDir']) {
    if (!out[k]) throw new Error(`run-hub-notebook.js: --${k} is required`);
  }
  out.timeout = Number(out.timeout);
  return out;
}

const log = (msg) => console.log(`[browser] ${msg}`);

async function main() {
  const opt = args();
  const context = await chromium.launchPersistentContext(opt.userDataDir, {
    executablePath: opt.chromium,
    headless: true,
    viewport: { width: 1100, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(opt.timeout);
  page.on('pageerror', (e) => log(`page error: ${(e && e.message) || e}`));
  try {
    // The hub's own login page, as a student sees it.
    await page.goto(`${opt.hub}/hub/login`, { waitUntil: 'load' });
    await page.fill('#username_input', opt.user);
    await page.fill('#password_input', opt.password);
    await Promise.all([page.waitForURL(/\/user\//, { timeout: opt.timeout }), page.click('#login_submit')]);
    log(`logged in as ${opt.user}: ${page.url()}`);

    await page.goto(`${opt.hub}/user/${opt.user}/notebooks/${opt.notebook}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.Jupyter && Jupyter.notebook && Jupyter.notebook._fully_loaded
      && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()
      && !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), null, { timeout: opt.timeout });
    const kernel = await page.evaluate(() => Jupyter.notebook.kernel.name);
    if (kernel !== 'deeptoy') throw new Error(`the notebook runs kernel "${kernel}", expected "deeptoy"`);
    log(`${opt.notebook} open, kernel "${kernel}" idle; running all cells`);

    await page.evaluate(() => { Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells(); });
    await page.waitForFunction(() => Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code')
      .every((c) => typeof c.input_prompt_number === 'number')
      && !!document.querySelector('#kernel_indicator_icon.kernel_idle_icon'), null, { timeout: opt.timeout });
    const errors = await page.evaluate(() => Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code')
      .flatMap((c, i) => c.output_area.outputs.filter((o) => o.output_type === 'error')
        .map((o) => `cell ${i + 1}: ${o.ename}: ${o.evalue}`)));
    if (errors.length) throw new Error(`cells failed in the browser:\n${errors.join('\n')}`);

    // The graph picture: the first SVG output, drawn with a size and naming its nodes.
    const svg = page.locator('.output_svg svg').first();
    await svg.waitFor({ state: 'visible', timeout: 15000 });
    const info = await svg.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return { w: box.width, h: box.height, text: el.textContent.replace(/\s+/g, ' ').trim() };
    });
    if (!(info.w > 20 && info.h > 20)) throw new Error(`the graph SVG has no size (${info.w}x${info.h})`);
    log(`graph picture drawn: ${Math.round(info.w)}x${Math.round(info.h)} px, text "${info.text.slice(0, 60)}"`);
    await page.evaluate(() => Jupyter.notebook.scroll_to_top(0));
    await page.screenshot({ path: opt.screenshot });
    log(`screenshot ${opt.screenshot}`);
    log('PASS');
  } catch (e) {
    await page.screenshot({ path: opt.screenshot }).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(`[browser] FAIL: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
