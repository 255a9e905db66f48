// Browser tests of the GUI's hardware and results pages (issue 14, everything but the run page), in Debian's
// /usr/bin/chromium driven by playwright-core, with axe-core's accessibility rules (both from deps/test.lock,
// installed by scripts/setup into .deps/node/node_modules/). Run by `make test` through CTest (browser_pages in
// tests/CMakeLists.txt), or by hand:
//   CLLM_BIN=build/computellm node --test tests/browser/pages.test.mjs
// Environment: CLLM_BIN, CLLM_SRC, CLLM_ARTIFACTS (screenshots of failures), CLLM_CHROMIUM, as gui.test.mjs.
// The fixtures are made by the real binary before the server starts: `computellm run` on a tiny synthetic model
// (classic phases only when no libllama is installed), `computellm sweep` over depth 0,16 and threads 1,2, an
// imported copy of the run with a long CPU name, and two files that cannot be read (truncated JSON, a JSON object
// that is not a results file). Each test names what it would have caught.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {SRC, BIN, ARTIFACTS, CHROMIUM, MODS, chromium, llamaDir, TINY_MODELS} from './lib.mjs';

const AXE = fs.readFileSync(path.join(MODS, 'axe-core', 'axe.min.js'), 'utf8');
const CONFIG = {classic: {cpu_matrix_sizes: [256], gemm_iterations: 1, memory_array_mb: 16, memory_repeats: 5},
  inference: {max_tokens: 24}, runs: {warmup_max_tokens: 4}, monitor: {interval_s: 0.1}};
const LONG_CPU = 'Intel(R) Xeon(R) Platinum 8480+ CPU with a deliberately long imported machine name @ 2.00GHz';

let tmp, server, browser, context, page, base, token;
let runFile, sweepFile = null, importedFile;
const BAD = {'benchmark_truncated.json': '{"schema_version": 1, "id": "2026', 'benchmark_not_results.json': '{"hello": 1}\n'};
const pageErrors = [];

process.on('exit', () => { try { if (server && server.exitCode === null) process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } });

async function api(p, init = {}) {
  const r = await fetch(base + p, {...init, headers: {...(init.headers || {}), 'X-ComputeLLM-Token': token}});
  const text = await r.text();
  assert.ok(r.ok, `${p}: HTTP ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

function cli(args, what) {
  const r = spawnSync(BIN, args, {encoding: 'utf8', timeout: 180000,
    env: {...process.env, COMPUTELLM_MODELS_FILE: path.join(tmp, 'models.json')}});
  const m = (r.stderr || '').match(/results written to (\S+\.json)/);
  assert.ok(m && fs.existsSync(m[1]), `${what} wrote no file (exit ${r.status}): ${(r.stderr || '').slice(-2000)}`);
  return path.basename(m[1]);
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cllm_gui_pages.'));
  const results = path.join(tmp, 'results'), models = path.join(tmp, 'models');
  fs.mkdirSync(results);
  fs.mkdirSync(models);
  fs.writeFileSync(path.join(tmp, 'models.json'), JSON.stringify(TINY_MODELS));
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(CONFIG));
  const common = ['--models-dir', models, '--output', results, '--no-download'];
  const lib = llamaDir ? ['--llama-lib', llamaDir] : [];
  runFile = cli(['run', '-m', 'tiny-test', '-c', path.join(tmp, 'config.json'), ...common, ...lib,
                 ...(llamaDir ? [] : ['--skip-ai'])], 'computellm run');
  if (llamaDir)
    sweepFile = cli(['sweep', '-m', 'tiny-test', '--models-file', path.join(tmp, 'models.json'), ...common, ...lib,
                     '-p', '32', '-n', '8', '-d', '0,16', '-t', '1,2', '-r', '2', '-o', 'none'], 'computellm sweep');
  for (const [name, text] of Object.entries(BAD)) fs.writeFileSync(path.join(results, name), text);

  server = spawn(BIN, ['gui', '--no-browser', '--port', '0', '--output', results, '--models-dir', models, ...lib],
    {detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, COMPUTELLM_MODELS_FILE: path.join(tmp, 'models.json')}});
  server.stderr.pipe(fs.createWriteStream(path.join(ARTIFACTS, 'pages-server.log')));
  const loginUrl = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no URL from computellm gui within 20 s: ${out}`)), 20000);
    server.stdout.on('data', d => {
      out += d;
      const m = out.match(/^(http:\/\/\S+)\s*$/m);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    server.once('exit', code => { clearTimeout(t); reject(new Error(`computellm gui exited (${code}): ${out}`)); });
  });
  const u = new URL(loginUrl);
  base = u.origin;
  token = u.searchParams.get('token');

  // the imported copy: another machine with a long CPU name and twice the memory triad
  const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
  res.id = '20990101_000000';
  res.hardware.cpu.model = LONG_CPU;
  res.classic_benchmarks.benchmarks.memory_bandwidth.triad_gbps *= 2;
  importedFile = (await api('/api/results', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(res)})).name;

  browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run']});
  context = await browser.newContext({locale: 'en-US', viewport: {width: 1400, height: 900}, acceptDownloads: true});
  context.setDefaultTimeout(30000);
  page = await context.newPage();
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`); });
  await page.goto(loginUrl);
  assert.equal(page.url(), `${base}/`);
});

after(async () => {
  try { if (browser) await browser.close(); } finally {
    if (server && server.exitCode === null) {
      await new Promise(resolve => {
        const t = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
        server.once('exit', () => { clearTimeout(t); resolve(); });
        try { process.kill(-server.pid, 'SIGINT'); } catch { clearTimeout(t); resolve(); }
      });
    }
    if (tmp && !process.env.CLLM_KEEP_TMP) fs.rmSync(tmp, {recursive: true, force: true});
  }
});

async function setLang(lang) {
  await page.click(`header .lang button[data-lang="${lang}"]`);
  await page.waitForFunction(l => document.documentElement.lang === l, lang);
}

// Every chart of the page drawn by Chart.js (the detail draws its charts after a frame).
async function chartsDrawn(scope) {
  await page.waitForFunction(s => {
    const cs = [...document.querySelectorAll(`${s} canvas`)];
    return cs.length > 0 && cs.every(c => window.Chart.getChart(c));
  }, scope);
}

async function openResult(name) {
  await page.goto(`${base}/#results`);
  const link = page.locator('#results-list a', {hasText: name});
  await link.first().waitFor();
  await link.first().click();
  // this file's detail (or its error), not the one of the file opened before
  await page.waitForFunction(n => (document.querySelector('#detail h2')?.textContent || '').includes(n)
    || (document.querySelector('#detail-error')?.textContent || '').includes(n), name);
  if (await page.locator('#detail').count()) await chartsDrawn('#detail');
}

async function openComparison(names) {
  await page.goto(`${base}/#results`);
  await page.waitForSelector('#results-list');
  for (const n of names) await page.locator(`#results-list tr:has(a:text-is("${n}")) input[type=checkbox]`).check();
  await page.click('#compare');
  await page.waitForSelector('#ratio-table');
  await chartsDrawn('#comparison');
}

// The pages the checks below walk: name → how to open it.
const PAGES = {
  hardware: async () => { await page.goto(`${base}/#hardware`); await page.waitForSelector('#hw-fits table'); },
  benchmark: async () => { await page.goto(`${base}/#benchmark`); await page.waitForSelector('#page-benchmark #start'); },
  results: async () => { await page.goto(`${base}/#results`); await page.waitForSelector('#results-list'); },
  detail: () => openResult(runFile),
  imported: () => openResult(importedFile),
  sweep: async () => { if (sweepFile) await openResult(sweepFile); },
  comparison: () => openComparison([runFile, importedFile]),
  unreadable: () => openResult('benchmark_truncated.json'),
};

test('comparison charts: short legend labels, full name and unit in the tooltip, values on the bars, the tooltip inside the chart at 1400, 800 and 480 px', async () => {
  for (const w of [1400, 800, 480]) {
    await page.setViewportSize({width: w, height: 900});
    await PAGES.comparison();
    const cmp = await api('/api/compare', {method: 'POST', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({files: [runFile, importedFile], baseline: 0})});
    const sel = '#comparison canvas[data-chart="cmp-memory_bandwidth"]';
    const info = await page.$eval(sel, c => {
      const ch = window.Chart.getChart(c);
      return {labels: ch.data.datasets.map(d => d.label), full: ch.data.datasets.map(d => d.full), values: ch.$cllmValues,
        data: ch.data.datasets.map(d => d.data)};
    });
    // legends: "[2] Xeon Platinum 848…", never the whole label
    info.labels.forEach((l, i) => {
      assert.match(l, new RegExp(`^\\[${i + 1}\\] `));
      assert.ok(l.length <= 24, `legend label too long: ${l}`);
      assert.equal(info.full[i], `[${i + 1}] ${cmp.machines[i].label}`);
    });
    assert.ok(cmp.machines[1].label.includes(LONG_CPU));
    // values on bars: each one written is the bar's value as the page formats numbers
    const fmt = v => { const a = Math.abs(v); const d = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a >= 0.1 ? 3 : 4;
      return new Intl.NumberFormat('en', {maximumFractionDigits: d}).format(v); };
    assert.ok(info.values.length > 0, `${w}px: no value written on the bars`);
    for (const v of info.values) assert.equal(v.text, fmt(info.data[v.dataset][v.index]));
    if (w === 1400) assert.equal(info.values.length, info.data.flat().filter(v => v != null).length,
      'at 1400 px every bar has its value');
    // hover the last bar of the last machine (the rightmost: its tooltip is the one that used to run off the canvas)
    const target = await page.$eval(sel, c => {
      const ch = window.Chart.getChart(c);
      const meta = ch.getDatasetMeta(ch.data.datasets.length - 1);
      const bar = meta.data.at(-1), r = c.getBoundingClientRect();
      return {x: r.left + bar.x, y: r.top + (bar.y + bar.base) / 2};
    });
    await page.locator(sel).scrollIntoViewIfNeeded();
    const t2 = await page.$eval(sel, c => {
      const ch = window.Chart.getChart(c);
      const bar = ch.getDatasetMeta(ch.data.datasets.length - 1).data.at(-1), r = c.getBoundingClientRect();
      return {x: r.left + bar.x, y: r.top + (bar.y + bar.base) / 2};
    });
    await page.mouse.move(t2.x ?? target.x, t2.y ?? target.y);
    const tip = page.locator('#comparison .chart:has(canvas[data-chart="cmp-memory_bandwidth"]) .chart-tip');
    await tip.waitFor({state: 'visible'});
    const [tb, bb] = await Promise.all([tip.boundingBox(),
      page.locator('#comparison .chart:has(canvas[data-chart="cmp-memory_bandwidth"])').boundingBox()]);
    assert.ok(tb.x >= bb.x - 1 && tb.x + tb.width <= bb.x + bb.width + 1,
      `${w}px: the tooltip (${tb.x}..${tb.x + tb.width}) leaves the chart (${bb.x}..${bb.x + bb.width})`);
    const text = await tip.textContent();
    assert.ok(text.includes(LONG_CPU), `${w}px: the tooltip names the machine in full: ${text}`);
    assert.match(text, /GB\/s/, 'the tooltip gives the unit');
    const triad = cmp.rows.find(r => r.family === 'memory_bandwidth' && r.name === 'triad');
    assert.ok(text.includes(fmt(triad.values[1])), `${w}px: the tooltip gives the value ${triad.values[1]}: ${text}`);
    await page.locator('#comparison').screenshot({path: path.join(ARTIFACTS, `pages-compare-${w}.png`)});
  }
  await page.setViewportSize({width: 1400, height: 900});
});

test('no page is wider than the window at 800 and 480 px (tables scroll in their card or become cards)', async () => {
  for (const scheme of ['light', 'dark'])
    for (const w of [800, 480]) {
      await page.emulateMedia({colorScheme: scheme});
      await page.setViewportSize({width: w, height: 900});
      for (const [name, open] of Object.entries(PAGES)) {
        await open();
        // a chart's canvas follows its box on the next resize callback (Chart.js's ResizeObserver): on a loaded
        // machine it can still have the last width when the page is first measured; a real overflow stays
        await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null,
                                   {timeout: 3000}).catch(() => {});
        const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (over > 0) await page.screenshot({path: path.join(ARTIFACTS, `pages-overflow-${name}-${w}-${scheme}.png`), fullPage: true});
        // what sticks out, for the message: elements, or the text that does not wrap
        const wide = await page.evaluate(() => {
          const out = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.scroll, .card > table'))
            .slice(0, 4).map(el => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className}`);
          const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n; (n = w.nextNode()) && out.length < 6;) {
            const r = document.createRange();
            r.selectNodeContents(n);
            if (r.getBoundingClientRect().right > window.innerWidth + 1 && !n.parentElement.closest('.scroll, .card > table'))
              out.push(`text "${n.textContent.slice(0, 50)}"`);
          }
          return out;
        });
        assert.ok(over <= 0, `${name} at ${w}px (${scheme}): the document is ${over}px wider than the window: ${wide}`);
        // the header keeps the language buttons inside it
        const [hdr, lang] = await Promise.all([page.locator('header').boundingBox(), page.locator('header .lang').boundingBox()]);
        assert.ok(lang.x + lang.width <= hdr.x + hdr.width + 0.5 && lang.y + lang.height <= hdr.y + hdr.height + 0.5,
          `${name} at ${w}px: the language buttons leave the header`);
      }
      // the long imported name wraps in the list (the whole name as the link's tooltip)
      await PAGES.results();
      const link = page.locator(`#results-list a[title="${importedFile}"]`);
      assert.equal(await link.count(), 1);
    }
  // at 1400 px the dates and the actions stay on one line
  await page.setViewportSize({width: 1400, height: 900});
  await page.emulateMedia({colorScheme: 'light'});
  await PAGES.results();
  // a cell's content on one line: no taller than 1.5 lines of its text (a button included)
  const lines = await page.$$eval('#results-list tbody td.c-date, #results-list tbody td.c-actions', tds => tds.map(td => {
    const r = document.createRange();
    r.selectNodeContents(td);
    return r.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight);
  }));
  assert.ok(lines.length > 0 && lines.every(n => n < 1.5), `a date or the actions wrap at 1400 px: ${lines}`);
});

test('a file that cannot be read opens as its error, not as an empty result (EN and FR)', async () => {
  const listed = await api('/api/results');
  for (const name of Object.keys(BAD)) {
    const row = listed.find(r => r.name === name);
    assert.ok(row?.error, `${name} is listed with its error`);
    await openResult(runFile);   // a good file first: the bad one must not leave it on screen
    await page.locator('#results-list a', {hasText: name}).click();
    await page.waitForSelector('#detail-error');
    assert.equal(await page.locator('#detail').count(), 0, 'no result drawn for an unreadable file');
    const text = await page.textContent('#detail-error');
    assert.ok(text.includes(name) && text.includes(row.error), `the error is shown: ${text}`);
    assert.equal(await page.getAttribute('#detail-error', 'role'), 'alert');
    // its checkbox cannot be ticked for a comparison
    assert.ok(await page.locator(`#results-list tr:has(a:text-is("${name}")) input[type=checkbox]`).isDisabled());
  }
  await setLang('fr');
  try {
    await page.locator('#results-list a', {hasText: 'benchmark_not_results.json'}).click();
    await page.waitForSelector('#detail-error');
    assert.match(await page.textContent('#detail-error'),
      /Détails : benchmark_not_results\.json.*clé « schema_version » absente/s);
  } finally {
    await setLang('en');
  }
});

test('hardware page: every unknown value with the reason the JSON gives, current clock, swap, the what-fits table with sizes and downloaded status', async () => {
  const hw = await api('/api/hardware');
  await PAGES.hardware();
  const reasons = [];
  for (const [obj, sel] of [[hw.cpu.frequency, '#hw-cpu'], [hw.cpu, '#hw-cpu'], [hw.ram, '#hw-ram']])
    for (const [k, why] of Object.entries(obj?.null_reasons || {}))
      if (obj[k] === null && !['min_mhz', 'populated_slots'].includes(k)) reasons.push([sel, why]);
  for (const [sel, why] of reasons) assert.ok((await page.textContent(sel)).includes(why), `${sel} does not give "${why}"`);
  assert.ok(!/— \/ —/.test(await page.textContent('#page-hardware')), 'a bare "— / —" is left');
  const one = new Intl.NumberFormat('en', {maximumFractionDigits: 0});
  if (hw.cpu.frequency.current_mhz != null)
    assert.ok((await page.textContent('#hw-cpu')).includes(`${one.format(hw.cpu.frequency.current_mhz)} MHz`));
  assert.match(await page.textContent('#hw-ram'), /Swap \(total \/ free\)/);
  const two = new Intl.NumberFormat('en', {maximumFractionDigits: 2});
  assert.ok((await page.textContent('#hw-ram')).includes(`${two.format(hw.ram.swap_total_gb)} GiB`));
  // the what-fits table: the server's cells, sizes in GiB, a Downloaded column saying yes / synthetic / no
  const fits = hw.what_fits;
  assert.deepEqual(fits.head.slice(2, 3), ['Size (GiB)']);
  const di = fits.head.indexOf('Downloaded');
  const shown = await page.$$eval('#hw-fits tbody tr', trs => trs.map(tr => [...tr.cells].map(c => c.textContent)));
  assert.deepEqual(shown, fits.rows.map(r => r.cells));
  assert.ok(fits.rows.every(r => ['yes', 'synthetic', 'no', 'given'].includes(r.cells[di])));
  const tiny = fits.rows.find(r => r.cells[0] === 'Tiny test model');
  // the run made the tiny model's synthetic file in models/: the table says so
  if (llamaDir) assert.equal(tiny?.cells[di], 'synthetic', JSON.stringify(tiny));
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Ce qui tient/.test(document.querySelector('#hw-fits h2')?.textContent || ''));
    const frHead = await page.$$eval('#hw-fits thead th', ths => ths.map(th => th.textContent));
    assert.equal(frHead[di], 'Téléchargé');
    if (llamaDir) assert.ok((await page.$$eval('#hw-fits tbody td[data-downloaded="synthetic"]', tds => tds.map(td => td.textContent)))
      .every(x => x === 'synthétique'));
    assert.match(await page.textContent('#hw-ram'), /Gio/);
  } finally {
    await setLang('en');
  }
});

test('results detail: the machine, prompt vs decode t/s, peak memory, roofline, settings, sweep matrix and charts, ladder; no empty chart cards', async () => {
  const v = await api(`/api/results/${encodeURIComponent(runFile)}/view`);
  await PAGES.detail();
  // the machine as the server read it from the file, an unknown with its reason
  const mach = await page.$$eval('#machine dd', dds => dds.map(dd => ({key: dd.dataset.key, text: dd.textContent})));
  assert.deepEqual(mach.map(m => m.key), v.machine.map(r => r.key));
  for (const r of v.machine) {
    const text = mach.find(m => m.key === r.key).text;
    if (r.value == null) assert.ok(text.includes(r.why), `${r.key}: ${text} has no reason`);
    else if (typeof r.value === 'string' && r.key !== 'gpu') assert.ok(text.includes(r.value), `${r.key}: ${text}`);
  }
  // the settings the file ran with
  const settings = await page.$$eval('#settings-table tbody tr', trs => trs.map(tr => [...tr.cells].map(c => c.textContent)));
  assert.equal(settings.length, v.settings.length);
  assert.deepEqual(settings.find(r => r[0] === 'inference.max_tokens'), ['inference.max_tokens', '24']);
  // no card says "No data": what did not run is listed once (no GPU here: the GPU GEMM line with its reason)
  assert.equal(await page.locator('#detail', {hasText: 'No data for this chart'}).count(), 0);
  const empty = await page.$$eval('#detail .chart-card', cards => cards.filter(c => {
    const ch = window.Chart.getChart(c.querySelector('canvas'));
    return !ch || !ch.data.datasets.some(d => d.data.some(x => (typeof x === 'object' && x ? x.y : x) != null));
  }).length);
  assert.equal(empty, 0, 'a chart card without data');
  const gpu = v.classic.charts.find(c => c.id === 'gpu');
  if (!gpu.has_data) assert.match(await page.textContent('#not-run'), new RegExp(`GPU GEMM.*${gpu.why.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  if (llamaDir) {
    const m = v.ai.models.find(x => x.key === 'tiny-test');
    const row = await page.$eval('#ai-models tr[data-model="tiny-test"]', tr => [...tr.cells].map(c => c.textContent.trim()));
    const one = new Intl.NumberFormat('en', {minimumFractionDigits: 1, maximumFractionDigits: 1});
    const two = new Intl.NumberFormat('en', {minimumFractionDigits: 2, maximumFractionDigits: 2});
    const metric = k => m.metrics.find(x => x.key === k);
    const ms = (x, f) => `${f.format(x.value)}${x.sd != null ? ` ± ${f.format(x.sd)}` : ''}`;
    assert.equal(row[4], ms(metric('prompt_tps'), one));
    assert.equal(row[5], ms(metric('decode_tps'), one));
    assert.equal(row[6], two.format(metric('peak').value));
    const pd = await page.$eval('#detail canvas[data-chart="prompt_decode"]', c => window.Chart.getChart(c).data.datasets.map(d => d.data));
    assert.deepEqual(pd, [[metric('prompt_tps').value], [metric('decode_tps').value]]);
    // the roofline: the file's ceiling and ratio
    const rl = m.roofline;
    assert.ok(rl && rl.max_tps > 0, JSON.stringify(rl));
    const rlText = await page.textContent('#roofline li[data-model="tiny-test"]');
    assert.ok(rlText.includes(new Intl.NumberFormat('en', {maximumFractionDigits: 1}).format(rl.max_tps)), rlText);
    const rlData = await page.$eval('#roofline canvas', c => window.Chart.getChart(c).data.datasets.map(d => d.data));
    assert.deepEqual(rlData, [[metric('decode_tps').value], [rl.max_tps]]);
    assert.equal(await page.locator('.ladder[data-model="tiny-test"]').count(), 1);
  }
  // the imported file shows its own machine
  await PAGES.imported();
  assert.ok((await page.textContent('#machine')).includes(LONG_CPU));
  // the comparison has a hardware table with both machines
  await PAGES.comparison();
  const hwRows = await page.$$eval('#cmp-hardware tbody tr', trs => trs.map(tr => [...tr.cells].map(c => c.textContent)));
  const cpu = hwRows.find(r => r[0] === 'CPU');
  assert.equal(cpu.length, 3);
  assert.equal(cpu[2], LONG_CPU);
  if (!sweepFile) return;
  // the sweep: its table, and t/s against depth and threads (the two axes it varied), the server's numbers
  const sv = await api(`/api/results/${encodeURIComponent(sweepFile)}/view`);
  await PAGES.sweep();
  assert.deepEqual(await page.$$eval('#sweep-charts canvas', cs => cs.map(c => c.dataset.chart).sort()), ['sweep-depth', 'sweep-threads']);
  const depth = await page.$eval('#sweep-charts canvas[data-chart="sweep-depth"]', c => {
    const ch = window.Chart.getChart(c);
    return {labels: ch.data.labels, sets: ch.data.datasets.map(d => ({label: d.label, data: d.data}))};
  });
  assert.deepEqual(depth.labels, ['0', '16']);
  const pp1 = depth.sets.find(s => s.label === 'pp32 t=1');
  assert.ok(pp1, JSON.stringify(depth.sets.map(s => s.label)));
  const want = d => sv.sweep.tests.find(x => x.kind === 'pp32' && x.threads === 1 && x.depth === d).rate;
  assert.deepEqual(pp1.data, [want(0), want(16)]);
});

test('monitor chart: CPU % axis 0–100, phase markers, readable series names, right axis only for series drawn; zoom, pan and PNG export', async () => {
  await PAGES.detail();
  const info = await page.$eval('#monitor canvas', c => {
    const ch = window.Chart.getChart(c);
    return {min: ch.scales.y.min, max: ch.scales.y.max, labels: ch.data.datasets.map(d => d.label),
      right: !!ch.options.scales.y1, rightVisible: ch.data.datasets.some(d => d.yAxisID === 'y1' && !d.hidden),
      marks: ch.options.plugins.cllmMarkers.marks.map(m => m.label), x: [ch.scales.x.min, ch.scales.x.max]};
  });
  const v = await api(`/api/results/${encodeURIComponent(runFile)}/view`);
  assert.equal(info.min, 0);
  assert.equal(info.max, 100);
  assert.equal(info.marks.length, v.monitor.length, 'one marker per phase on the time axis');
  assert.ok(info.marks.includes('Memory bandwidth, all threads'), info.marks.join(' | '));
  for (const l of info.labels) assert.ok(!/_(pct|gb|w|c|mhz)$/.test(l), `raw series name: ${l}`);
  assert.ok(info.labels.includes('CPU, whole machine'));
  assert.equal(info.right, v.monitor.some(p => p.series.some(s => s.axis === 'y1')));
  // one phase alone: no markers
  await page.selectOption('#monitor-phase', v.monitor[0].name);
  await page.waitForFunction(() => { const c = document.querySelector('#monitor canvas'); return c && window.Chart.getChart(c); });
  assert.equal(await page.$eval('#monitor canvas', c => window.Chart.getChart(c).options.plugins.cllmMarkers.marks.length), 0);
  await page.selectOption('#monitor-phase', '');
  await page.waitForFunction(() => { const c = document.querySelector('#monitor canvas'); return c && window.Chart.getChart(c)?.options.plugins.cllmMarkers.marks.length > 0; });
  // zoom in halves the time range, reset gives it back
  const range = () => page.$eval('#monitor canvas', c => { const s = window.Chart.getChart(c).scales.x; return [s.min, s.max]; });
  const full = await range();
  await page.click('#monitor button.zoom-in');
  const zoomed = await range();
  assert.ok(Math.abs((zoomed[1] - zoomed[0]) - (full[1] - full[0]) / 2) < 1e-6 * (full[1] - full[0]) + 1e-9, `${zoomed} vs ${full}`);
  // dragging to the left moves the window to later times (a second drag when the first came while the chart was
  // still being laid out on a loaded machine: the canvas box had not settled)
  const drag = async () => {
    // the canvas in the window first: clicking the zoom button above it may have left the canvas below the fold,
    // where the mouse cannot reach it
    await page.locator('#monitor canvas').scrollIntoViewIfNeeded();
    const box = await page.locator('#monitor canvas').boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 80, box.y + box.height / 2, {steps: 4});
    await page.mouse.up();
  };
  await drag();
  let panned = await range();
  if (!(panned[0] > zoomed[0])) {
    await page.waitForTimeout(500);
    await drag();
    panned = await range();
  }
  assert.ok(panned[0] > zoomed[0], `pan: ${panned} after ${zoomed}`);
  await page.click('#monitor button.zoom-reset');
  assert.deepEqual(await range(), full);
  // PNG export of a chart
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#monitor button.png')]);
  const png = fs.readFileSync(await dl.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(dl.suggestedFilename(), 'monitor.png');
});

test('CSV of any table: every table has its button, the download is the table', async () => {
  await PAGES.detail();
  const tables = await page.$$eval('#page-results table', ts => ts.map(t => {
    const holder = t.parentElement.classList.contains('scroll') ? t.parentElement : t;
    return {id: t.id, tool: !!holder.previousElementSibling?.matches('.table-tools')};
  }));
  assert.ok(tables.length >= 2);
  for (const x of tables) assert.ok(x.tool, `table ${x.id || '?'} has no CSV button`);
  const btn = page.locator('#page-results .card:has(#settings-table) button.csv');
  await page.click('#settings summary');
  const [dl] = await Promise.all([page.waitForEvent('download'), btn.click()]);
  const lines = fs.readFileSync(await dl.path(), 'utf8').split('\r\n');
  assert.equal(lines[0], 'Setting,Value');
  assert.ok(lines.includes('inference.max_tokens,24'), lines.slice(0, 5).join(' | '));
  // the what-fits table too, with the server's first row
  const hw = await api('/api/hardware');
  await PAGES.hardware();
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('#hw-fits button.csv')]);
  const fitLines = fs.readFileSync(await dl2.path(), 'utf8').split('\r\n');
  assert.equal(fitLines[1], hw.what_fits.rows[0].cells.map(c => (/[",]/.test(c) ? `"${c}"` : c)).join(','));
});

test('French: statuses, phase and monitor names, write/read/copy/triad, binary units, “Détails :”', async () => {
  await PAGES.detail();
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Détails : /.test(document.querySelector('#detail h2')?.textContent || ''));
    const status = await page.$$eval('#results-list tbody td[class^="status-complete"]', tds => tds.map(td => td.textContent));
    assert.ok(status.length > 0 && status.every(s => s === 'terminé'), status.join());
    await chartsDrawn('#detail');
    const bw = await page.$eval('#detail canvas[data-chart="bandwidth"]', c => window.Chart.getChart(c).data.labels);
    assert.deepEqual(bw, ['écriture', 'lecture', 'copie', 'triade']);
    const mon = await page.$eval('#monitor canvas', c => {
      const ch = window.Chart.getChart(c);
      return {labels: ch.data.datasets.map(d => d.label), marks: ch.options.plugins.cllmMarkers.marks.map(m => m.label)};
    });
    assert.ok(mon.labels.includes('CPU, toute la machine'), mon.labels.join(' | '));
    assert.ok(mon.marks.includes('Bande passante mémoire, tous les threads'), mon.marks.join(' | '));
    const phaseOpts = await page.$$eval('#monitor-phase option', os => os.map(o => o.textContent));
    assert.ok(phaseOpts.includes('GFLOPS CPU, 1 thread'), phaseOpts.join(' | '));
    const text = await page.textContent('#detail');
    assert.ok(!/\bGiB\b|\bGB\b(?!\/)/.test(text.replace(/Go\/s/g, '')), 'English memory units left in French');
    assert.match(await page.textContent('#machine'), /Gio/);
    if (llamaDir) {
      assert.match(await page.textContent('#ai-models'), /mémoire de pointe \(Gio\)/);
      // the llama-server rung: skipped ("ignoré") without a llama-server, measured with one (scripts/setup
      // --llama-server): its French name either way, and a measured rate written the French way (decimal comma)
      const row = '.ladder-table tr[data-rung="server"]';
      assert.match(await page.textContent(row), /chat par llama-server/);
      if (await page.locator(`${row} td[colspan]`).count()) {
        assert.equal(await page.$eval(`${row} td[colspan]`, td => td.className), 'status-skipped');
        assert.match(await page.textContent(row), /ignoré/);
      } else {
        assert.equal(await page.getAttribute(row, 'data-status'), 'ok');
        assert.match(await page.textContent(`${row} td.n`), /^\d[\d\u202f\u00a0]*,\d+$/);
      }
    }
  } finally {
    await setLang('en');
  }
});

test('dark mode: follows prefers-color-scheme, the toggle picks light or dark and is remembered', async () => {
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({colorScheme: 'dark'});
  await PAGES.hardware();
  assert.equal(await bg(), 'rgb(18, 21, 28)');
  await page.emulateMedia({colorScheme: 'light'});
  assert.equal(await bg(), 'rgb(246, 247, 249)');
  // system → light → dark → system
  assert.equal(await page.getAttribute('#theme', 'aria-label'), 'Theme: system');
  await page.click('#theme');
  await page.click('#theme');
  assert.equal(await page.getAttribute('#theme', 'aria-label'), 'Theme: dark');
  assert.equal(await bg(), 'rgb(18, 21, 28)');
  await page.reload();
  await page.waitForSelector('#hw-cpu');
  assert.equal(await bg(), 'rgb(18, 21, 28)', 'the choice survives a reload');
  // charts drawn in the dark theme use the dark palette
  await PAGES.detail();
  const colors = await page.$eval('#detail canvas[data-chart="bandwidth"]', c => window.Chart.getChart(c).data.datasets.map(d => d.backgroundColor));
  const css = await page.evaluate(() => [1, 2].map(i => getComputedStyle(document.documentElement).getPropertyValue(`--c${i}`).trim()));
  assert.deepEqual(colors, css);
  await page.click('#theme');
  assert.equal(await page.getAttribute('#theme', 'aria-label'), 'Theme: system');
  assert.equal(await page.evaluate(() => localStorage.getItem('computellm.theme')), null);
  assert.equal(await bg(), 'rgb(246, 247, 249)');
});

// WCAG relative luminance contrast of two #rrggbb or rgb() colours.
function contrast(a, b) {
  const hex = c => (c.length === 4 ? `#${[...c.slice(1)].map(x => x + x).join('')}` : c);
  const rgb = c => (c.startsWith('#') ? [1, 3, 5].map(i => parseInt(hex(c).slice(i, i + 2), 16)) : c.match(/\d+/g).slice(0, 3).map(Number));
  const lum = c => { const [r, g, bb] = rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bb; };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('accessibility: axe-core finds no serious or critical violation on any page, light and dark; h1, title, aria-current, labels, chart alternatives and colours, favicon', async () => {
  const titles = new Set();
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({colorScheme: scheme});
    await page.setViewportSize({width: 1400, height: 900});
    for (const [name, open] of Object.entries(PAGES)) {
      await open();
      await page.evaluate(AXE);
      const res = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
      const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
      if (bad.length) await page.screenshot({path: path.join(ARTIFACTS, `pages-axe-${name}-${scheme}.png`), fullPage: true});
      assert.deepEqual(bad.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`), [],
        `${name} (${scheme})`);
      // one h1 naming the page, the page's title, aria-current on its link
      const h1 = await page.$$eval('h1', hs => hs.filter(x => x.offsetParent !== null).map(x => x.textContent));
      assert.equal(h1.length, 1, `${name}: ${h1}`);
      titles.add(await page.title());
      const cur = await page.$$eval('header nav a[aria-current="page"]', as => as.map(a => a.dataset.page));
      assert.deepEqual(cur, [['hardware', 'benchmark'].includes(name) ? name : 'results']);
      // every chart has a text alternative naming its values
      const alts = await page.$$eval('canvas', cs => cs.map(c => [c.getAttribute('role'), c.getAttribute('aria-label') || '']));
      for (const [role, label] of alts) { assert.equal(role, 'img'); assert.ok(label.length > 10, `chart alternative: ${label}`); }
      // chart colours ≥ 3:1 against the card behind them
      const drawn = await page.$$eval('canvas', cs => cs.flatMap(c => {
        const ch = window.Chart.getChart(c);
        const bgc = getComputedStyle(c.closest('.card') || document.body).backgroundColor;
        return ch ? ch.data.datasets.map(d => [String(d.borderColor), bgc]) : [];
      }));
      for (const [fg, bgc] of drawn) assert.ok(contrast(fg, bgc) >= 3, `${name} (${scheme}): ${fg} on ${bgc} is ${contrast(fg, bgc).toFixed(2)}:1`);
    }
    // the whole palette, not only the colours drawn on these pages
    const pal = await page.evaluate(() => {
      const css = getComputedStyle(document.documentElement);
      return {c: [1, 2, 3, 4, 5, 6, 7, 8].map(i => css.getPropertyValue(`--c${i}`).trim()), card: css.getPropertyValue('--card').trim(),
        bg: css.getPropertyValue('--bg').trim()};
    });
    for (const c of pal.c) for (const b of [pal.card, pal.bg])
      assert.ok(contrast(c, b) >= 3, `${scheme}: palette ${c} on ${b} is ${contrast(c, b).toFixed(2)}:1`);
  }
  assert.ok(titles.size >= 3, `each page has its title: ${[...titles]}`);
  // the results list's checkboxes are labelled
  await PAGES.results();
  const unlabelled = await page.$$eval('#results-list input[type=checkbox]', bs => bs.filter(b => !b.getAttribute('aria-label')).length);
  assert.equal(unlabelled, 0);
  // the favicon is served, embedded like the other assets
  const icon = await page.getAttribute('link[rel="icon"]', 'href');
  const r = await fetch(base + icon);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'image/svg+xml');
  await page.emulateMedia({colorScheme: 'light'});
});

test('no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
