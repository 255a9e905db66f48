// End-to-end test of the web GUI in a real browser: Debian's /usr/bin/chromium driven by playwright-core
// (deps/test.lock, installed by scripts/setup into .deps/node/node_modules/). Run by `make test` through CTest
// (tests/CMakeLists.txt), or by hand:
//   CLLM_BIN=build/computellm node --test tests/browser/gui.test.mjs
// Environment: CLLM_BIN (the computellm binary), CLLM_SRC (source tree; default: two folders up from here),
// CLLM_ARTIFACTS (where the screenshots go; default: build/test-artifacts).
// It starts `computellm gui --no-browser --port 0` on a temporary results/models folder with a tiny synthetic
// model (n_layer 2, n_embd 256) in a registry file given by $COMPUTELLM_MODELS_FILE, and walks the three pages:
// hardware shows this CPU; a run on the tiny model reaches done; the results page lists it and draws its charts;
// an edited copy imported through the upload input is compared with it (charts + ratio table, CSV of the
// comparison); the CSV export of one result has the expected header and rows; a run with the Temperature
// comparison ticked shows its table (low/medium/high) and charts in English and French; the engine choice sends
// auto/manual fields, shows the API's refusals, and a manual run against a closed port is recorded failed without
// the key; a longer run is cancelled and leaves a results file with run.status "cancelled"; serve-bench files made
// against the schedule-streaming test server show their serving table, charts and errors (EN and FR), a failed
// level is marked, and a comparison with an edited copy shows 2.00× on the output tokens/s rows; the first run's
// ladder (four rungs, the file's numbers) and "all runs OK, CV N %"; a computellm sweep file's llama-bench table
// (EN and FR, at both widths); an edited copy with a busy machine gets its note. The server's
// process group is killed at the end, also on failure.
// The launch token: the URL `computellm gui` prints (http://127.0.0.1:PORT/?token=T) is the first page the browser
// opens, which logs it in (HttpOnly cookie, then a redirect to the page without the token); before that the API
// answers 401 to the browser too. The Node-side helpers send the token as the X-ComputeLLM-Token header.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {SRC, BIN, ARTIFACTS, CHROMIUM, chromium, llamaDir, TINY_MODELS} from './lib.mjs';

// what the test adds to the page's POST /api/runs body: never download, and a small plan so the run is short
const SMALL_CONFIG = {classic: {cpu_matrix_sizes: [256], gemm_iterations: 1, memory_array_mb: 16, memory_repeats: 5},
  inference: {max_tokens: 24}, runs: {warmup_max_tokens: 4}, monitor: {interval_s: 0.1}};

let tmp, server, browser, page, base, token, loginUrl, cpuModel;
let runFile = null, importedName = null;
let runConfig = SMALL_CONFIG;   // the config the next started run gets (set per test)
let lastRunBody = null;         // the POST /api/runs body the page sent last (before the test's additions)
const pageErrors = [];

function killServer() {
  if (!server || server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    const t = setTimeout(() => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
    server.once('exit', () => { clearTimeout(t); resolve(); });
    try { process.kill(-server.pid, 'SIGINT'); } catch { clearTimeout(t); resolve(); }
  });
}
// a failing or interrupted test run must not leave the server behind
process.on('exit', () => { try { if (server && server.exitCode === null) process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } });

async function shot(name) {
  await page.screenshot({path: path.join(ARTIFACTS, `gui-${name}.png`), fullPage: true});
}

async function api(p, init = {}) {
  const r = await fetch(base + p, {...init, headers: {...(init.headers || {}), 'X-ComputeLLM-Token': token}});
  const text = await r.text();
  assert.ok(r.ok, `${p}: HTTP ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cllm_gui_e2e.'));
  fs.mkdirSync(path.join(tmp, 'results'));
  fs.mkdirSync(path.join(tmp, 'models'));
  fs.writeFileSync(path.join(tmp, 'models.json'), JSON.stringify(TINY_MODELS));
  cpuModel = JSON.parse(execFileSync(BIN, ['detect', '--json'], {encoding: 'utf8'})).cpu.model;

  const args = ['gui', '--no-browser', '--port', '0', '--output', path.join(tmp, 'results'),
                '--models-dir', path.join(tmp, 'models')];
  if (llamaDir) args.push('--llama-lib', llamaDir);
  server = spawn(BIN, args, {detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, COMPUTELLM_MODELS_FILE: path.join(tmp, 'models.json')}});
  const log = fs.createWriteStream(path.join(ARTIFACTS, 'gui-server.log'));
  server.stderr.pipe(log);
  loginUrl = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no URL from computellm gui within 20 s: ${out}`)), 20000);
    server.stdout.on('data', d => {
      out += d;
      const m = out.match(/^(http:\/\/\S+)\s*$/m);
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
    server.once('exit', code => { clearTimeout(t); reject(new Error(`computellm gui exited (${code}): ${out}`)); });
  });

  browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run']});
  // a new context is a fresh, throw-away profile
  const context = await browser.newContext({locale: 'en-US', viewport: {width: 1280, height: 900}, acceptDownloads: true});
  context.setDefaultTimeout(30000);
  page = await context.newPage();
  const u = new URL(loginUrl);
  base = u.origin;
  token = u.searchParams.get('token');
  assert.match(token || '', /^[0-9a-f]{32}$/, `the printed URL carries a random token: ${loginUrl}`);
  // without the token the API refuses the browser's calls as well as Node's
  assert.equal((await fetch(`${base}/api/runs`)).status, 401);
  // the printed URL first: it sets the cookie and comes back without the token in the address bar
  await page.goto(loginUrl);
  assert.equal(page.url(), `${base}/`);
  assert.equal(await page.evaluate(async () => (await fetch('/api/runs')).status), 200);
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()} (${m.location()?.url || '?'})`); });
  // the page sends the options a user picks; the test adds a small plan and no download so the run is short
  await page.route('**/api/runs', async route => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    const body = JSON.parse(req.postData() || '{}');
    lastRunBody = {...body};
    body.download = false;
    body.config = runConfig;
    await route.continue({postData: JSON.stringify(body)});
  });
});

after(async () => {
  try { if (browser) await browser.close(); } finally {
    await killServer();
    if (tmp && !process.env.CLLM_KEEP_TMP) fs.rmSync(tmp, {recursive: true, force: true});
  }
});

// Fills the form with the phases, models, comparison phases and engine asked (the form keeps what an earlier
// test chose), then clicks Start; with started (default) waits until the run is going.
async function startRun({classic, ai, models, compare = [], engine = 'in-process', fields = {}, started = true}) {
  await page.goto(`${base}/#benchmark`);
  await page.waitForSelector('#page-benchmark #start:not([disabled])');
  await page.evaluate(() => { document.getElementById('toast').hidden = true; });   // a leftover from another page
  await page.locator('#ph-classic').setChecked(classic);
  await page.locator('#ph-ai').setChecked(ai);
  for (const box of await page.locator('#models input[name=model]').all())
    await box.setChecked(models.includes(await box.getAttribute('value')));
  for (const name of ['quant', 'temperature', 'language', 'prompt-type'])
    await page.locator(`#cmp-${name}`).setChecked(compare.includes(name));
  await page.locator(`#engine-${engine}`).check();
  for (const [sel, value] of Object.entries(fields)) await page.fill(sel, value);
  lastRunBody = null;
  await page.click('#start');
  if (started) await page.waitForSelector('#cancel:not([disabled])');
}

async function waitDone() {
  await page.waitForFunction(() => /Run finished/.test(document.querySelector('#run-status')?.textContent || ''),
    null, {timeout: 120000});
  return page.getAttribute('#run-status a[data-file]', 'data-file');
}

async function setLang(lang) {
  await page.click(`header .lang button[data-lang="${lang}"]`);
  await page.waitForFunction(l => document.documentElement.lang === l, lang);
}

test('hardware page shows this CPU model', async () => {
  await page.goto(`${base}/#hardware`);
  await page.waitForSelector('#hw-cpu');
  const text = await page.textContent('#hw-cpu');
  assert.ok(text.includes(cpuModel), `#hw-cpu does not name "${cpuModel}": ${text}`);
  assert.ok(await page.isVisible('#hw-ram'));
  assert.ok(await page.isVisible('#hw-gpus'));
  assert.ok(await page.isVisible('#hw-llama'));
  // the what-fits table is the server's view drawn as sent: one row per registry model x quantization
  const fits = (await api('/api/hardware')).what_fits;
  assert.ok(fits && fits.rows.length >= 30, 'what_fits has a row per model x quantization');
  await page.waitForSelector('#hw-fits table');
  const cells = await page.$$eval('#hw-fits tr', trs => trs.slice(1).map(tr => [...tr.cells].map(c => c.textContent)));
  assert.equal(cells.length, fits.rows.length);
  assert.deepEqual(cells[0], fits.rows[0].cells);
  await shot('hardware');
});

test('benchmark form shows each model fit as the server computed it', async () => {
  const cfg = await api('/api/config');
  await page.goto(`${base}/#benchmark`);
  await page.waitForSelector('#models input[value="tiny-test"]');
  const shown = await page.$$eval('#models label.opt', ls => ls.map(l => ({key: l.querySelector('input').value,
    fit: l.querySelector('.fit')?.dataset.fit, text: l.querySelector('.fit')?.textContent, title: l.title})));
  assert.equal(shown.length, cfg.models.length);
  for (const m of cfg.models) {
    const s = shown.find(x => x.key === m.key);
    assert.ok(m.fit && typeof m.fit.result === 'string', JSON.stringify(m));
    assert.equal(s.fit, m.fit.result, m.key);
    assert.equal(s.title, m.fit.reason, m.key);
    assert.ok(s.text && !/^bench\./.test(s.text), `untranslated fit text for ${m.key}: ${s.text}`);
  }
  // the tiny model needs 0.5 GiB of RAM: every test machine has that
  assert.notEqual(shown.find(x => x.key === 'tiny-test').fit, 'skipped_ram');
});

test('the GUI reads no results key of its own: the server sends what it draws', () => {
  const files = [];
  const walk = d => fs.readdirSync(d, {withFileTypes: true}).forEach(e => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else if (/\.(js|mjs|html|css)$/.test(e.name)) files.push(p);
  });
  walk(path.join(SRC, 'web'));
  assert.ok(files.length > 5);
  for (const key of ['avg_tokens_per_second', 'std_tokens_per_second', 'first_token_latency_s', 'min_vram_gb',
                     'inter_token_latency_'])
    for (const f of files) assert.ok(!fs.readFileSync(f, 'utf8').includes(key), `${key} in ${path.relative(SRC, f)}`);
  // the ladder's, the sweep's and the monitor's keys, as words of their own (the comparison's family ids, such as
  // "ai_decode_tokens_per_second", are names the server sends)
  for (const key of ['decode_tokens_per_second', 'prompt_tokens_per_second', 'decode_cost_percent',
                     'ttft_cost_percent', 'cv_tokens_per_second_percent', 'other_cpu_pct_mean', 'avg_ts', 'stddev_ts',
                     'samples_ts', 'n_throttled', 'n_gpu_layers', 'n_prompt', 'n_depth', 'model_type', 'model_size',
                     'predicted_decode_tps', 'predicted_prompt_tps', 'cpu_only_decode_tps', 'weights_gb', 'kv_cache_gb',
                     'best_on_gpu', 'run_fit'])
    for (const f of files) assert.ok(!new RegExp(`(^|[^a-z_])${key}([^a-z_]|$)`).test(fs.readFileSync(f, 'utf8')),
      `${key} in ${path.relative(SRC, f)}`);
});

test('a run on the tiny synthetic model reaches done', async () => {
  runConfig = SMALL_CONFIG;
  await page.goto(`${base}/#benchmark`);
  await page.waitForSelector('#models input[value="tiny-test"]');
  await startRun({classic: true, ai: !!llamaDir, models: ['tiny-test']});
  await page.waitForFunction(() => /Run finished/.test(document.querySelector('#run-status')?.textContent || ''),
    null, {timeout: 90000});
  const status = await page.textContent('#run-status');
  assert.match(status, /Run finished: complete/);
  assert.equal(await page.$eval('#run-bar', el => el.style.width), '100%');
  runFile = await page.getAttribute('#run-status a[data-file]', 'data-file');
  assert.match(runFile, /^benchmark_.*\.json$/);
  const events = await page.textContent('#run-events');
  assert.match(events, /memory_bandwidth/);
  const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
  assert.equal(res.run.status, 'complete');
  // the bar is the server's: each event carries its width, never going back, below 100 until "done" (the run's
  // plan: tests/browser/run.test.mjs checks it in the page); a finished phase's status and monitor point come with it
  const run = await api(`/api/runs/${encodeURIComponent(res.id)}`);
  const pcts = run.events.filter(e => e.data?.progress_pct != null).map(e => e.data.progress_pct);
  assert.ok(pcts.length > 0 && pcts.every((p, i) => p >= 0 && p <= 100 && (i === 0 || p >= pcts[i - 1])),
    JSON.stringify(pcts));
  assert.equal(run.events.at(-1).data.progress_pct, 100);
  const phasesDone = run.events.filter(e => e.type === 'phase' && e.data.event === 'done').map(e => e.data);
  assert.ok(phasesDone.length > 0);
  assert.ok(phasesDone.at(-1).progress_pct > phasesDone[0].progress_pct && phasesDone.at(-1).progress_pct < 100,
    JSON.stringify(phasesDone.map(d => d.progress_pct)));
  for (const d of phasesDone) {
    assert.equal(d.status, d.phase.status || 'ok');
    const s = d.phase.monitor?.summary;
    if (s) assert.equal(d.monitor_point.cpu_pct, s.cpu_pct_mean ?? null);
  }
  if (llamaDir) {
    const m = res.ai_benchmarks.results['tiny-test'];
    assert.equal(m.status, 'ok', JSON.stringify(m).slice(0, 400));
    assert.ok(m.model.synthetic);
    assert.ok(m.summary.avg_tokens_per_second > 0);
  }
  await shot('benchmark-done');
});

test('results page lists the run and draws its charts', async () => {
  assert.ok(runFile, 'needs the run of the test before');
  await page.goto(`${base}/#results`);
  const link = page.locator('#results-list a', {hasText: runFile});
  await link.waitFor();
  await link.click();
  await page.waitForSelector('#detail');
  const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
  const want = ['bandwidth', 'monitor'];
  if (Object.keys(res.classic_benchmarks.benchmarks.cpu_single_thread?.results || {}).length) want.push('gflops');
  if (llamaDir) want.push('tps', 'ttft', 'itl');
  // every chart exists, is a Chart.js instance and has at least one dataset with a number in it
  await page.waitForFunction(names => names.every(n => {
    const c = document.querySelector(`#detail canvas[data-chart="${n}"]`);
    const ch = c && window.Chart.getChart(c);
    return ch && ch.data.datasets.length > 0
      && ch.data.datasets.some(d => d.data.some(v => (typeof v === 'object' && v ? v.y : v) != null));
  }), want);
  const sizes = await page.$$eval('#detail canvas', cs => cs.map(c => [c.dataset.chart, c.width, c.height]));
  for (const [name, w, hgt] of sizes) assert.ok(w > 0 && hgt > 0, `chart ${name} has no size`);
  if (llamaDir) {
    // the numbers drawn are the server's: tokens/s mean ± sd in the table, the TTFT chart's whiskers
    const view = await api(`/api/results/${encodeURIComponent(runFile)}/view`);
    const row = (m, k) => m.metrics.find(x => x.key === k);
    const m = view.ai.models.find(x => x.key === 'tiny-test');
    const one = new Intl.NumberFormat('en', {minimumFractionDigits: 1, maximumFractionDigits: 1});
    const cell = await page.$eval('#ai-models tr[data-model="tiny-test"]', tr => tr.cells[3].textContent.trim());
    assert.equal(cell, `${one.format(row(m, 'tps').value)} ± ${one.format(row(m, 'tps').sd)}`);
    const ttft = await page.$eval('#detail canvas[data-chart="ttft"]', c => window.Chart.getChart(c).data.datasets[0]);
    assert.deepEqual(ttft.data, [row(m, 'ttft').value]);
    assert.deepEqual(ttft.std ?? [null], [row(m, 'ttft').sd]);
    // stability keeps its meaning (every run succeeded), shown as "all runs OK" with the runs' CV beside it
    const stab = await page.$eval('#ai-models tr[data-model="tiny-test"] td.stability', td => td.textContent.trim());
    assert.equal(res.ai_benchmarks.results['tiny-test'].summary.stability, 'stable');
    assert.ok(stab.startsWith(`all runs OK, CV ${one.format(m.cv_pct)} %`), stab);
    // the ladder of the first model: four rungs in the file's order, each number the file's as the page formats it
    const lad = res.ai_benchmarks.results['tiny-test'].ladder;
    assert.ok(lad, 'run ladders the first model by default');
    const rungs = await page.$$eval('.ladder-table[data-model="tiny-test"] tbody tr', trs => trs.map(tr =>
      ({id: tr.dataset.rung, status: tr.dataset.status, cells: [...tr.cells].map(td => td.textContent.trim())})));
    assert.deepEqual(rungs.map(r => r.id), ['bench', 'bench_depth', 'chat', 'server']);
    const three = new Intl.NumberFormat('en', {minimumFractionDigits: 3, maximumFractionDigits: 3});
    const cost = v => (v == null ? '—' : `${one.format(v)} %`);
    rungs.forEach((r, i) => {
      const f = lad.rungs[i];
      assert.equal(r.status, f.status);
      assert.ok(r.cells[0].includes(f.name), `${r.cells[0]} names ${f.name}`);
      if (f.status !== 'ok') { assert.ok(r.cells[1].includes(f.reason), `${r.cells[1]} gives ${f.reason}`); return; }
      assert.deepEqual(r.cells.slice(1), [one.format(f.decode_tokens_per_second), cost(f.decode_cost_percent),
        f.ttft_s == null ? '—' : three.format(f.ttft_s), cost(f.ttft_cost_percent)]);
    });
    await page.locator('.ladder[data-model="tiny-test"]').screenshot({path: path.join(ARTIFACTS, 'gui-ladder-en.png')});
  }
  await page.locator('#detail').scrollIntoViewIfNeeded();
  await shot('results-detail');
});

test('CSV export of one result', async () => {
  const href = await page.getAttribute(`#results-list tr:has(a:text-is("${runFile}")) a[href$="/csv"]`, 'href');
  const csv = await page.evaluate(async h => { const r = await fetch(h); return `${r.status}\n${await r.text()}`; }, href);
  const [status, ...rest] = csv.split('\n');
  assert.equal(status, '200');
  const lines = rest.join('\n').split(/\r?\n/);
  assert.equal(lines[0], 'section,name,params,value,unit');
  assert.ok(lines.some(l => l.startsWith('hardware.cpu,model,,') && l.includes(cpuModel.split(' ')[0])),
    'no hardware.cpu,model row');
  // a known row: the all-threads triad bandwidth, the same number as in the results file
  const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
  const triad = lines.find(l => l.startsWith('classic_benchmarks.memory_bandwidth,triad.gbps,all_threads,'));
  assert.ok(triad, 'no classic_benchmarks.memory_bandwidth,triad.gbps,all_threads row');
  const want = res.classic_benchmarks.benchmarks.memory_bandwidth.results.all_threads.triad.gbps;
  assert.ok(Math.abs(Number(triad.split(',')[3]) - want) <= 1e-9 * want, `${triad} vs ${want}`);
  if (llamaDir) {
    const tps = lines.find(l => l.startsWith('ai_benchmarks.summary,avg_tokens_per_second,tiny-test,'));
    assert.ok(tps && Number(tps.split(',')[3]) > 0 && tps.endsWith(',tokens/s'), `tokens/s row: ${tps}`);
  }
});

test('compare the run with an imported, edited copy', async () => {
  // the copy: another machine's id and CPU name, twice the memory triad (and tokens/s) of the run
  const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
  res.id = '20990101_000000';
  res.hardware.cpu.model = 'Imported Test CPU';
  const mb = res.classic_benchmarks.benchmarks.memory_bandwidth;
  mb.triad_gbps *= 2;
  if (llamaDir) res.ai_benchmarks.results['tiny-test'].summary.avg_tokens_per_second *= 2;
  const copy = path.join(tmp, 'other_machine.json');
  fs.writeFileSync(copy, JSON.stringify(res));

  await page.goto(`${base}/#results`);
  await page.waitForSelector('#import');
  await page.setInputFiles('#import', copy);
  const row = page.locator('#results-list tr', {hasText: 'Imported Test CPU'});
  await row.waitFor();
  importedName = (await row.locator('td:nth-child(2) a').textContent()).trim();
  assert.match(importedName, /20990101_000000/);

  await page.locator(`#results-list tr:has(a:text-is("${runFile}")) input[type=checkbox]`).check();
  await row.locator('input[type=checkbox]').check();
  await page.click('#compare');
  await page.waitForSelector('#ratio-table');
  await page.waitForFunction(() => {
    const cs = [...document.querySelectorAll('#comparison canvas[data-chart^="cmp-"]')];
    return cs.length > 0 && cs.every(c => { const ch = window.Chart.getChart(c); return ch && ch.data.datasets.length === 2; });
  });
  const charts = await page.$$eval('#comparison canvas', cs => cs.map(c => c.dataset.chart));
  assert.ok(charts.includes('cmp-memory_bandwidth'), charts.join(' '));
  if (llamaDir) assert.ok(charts.includes('cmp-ai_tokens_per_second'), charts.join(' '));

  // the ratio table: [2]/[1] is 2.00× on triad, 1.00× on copy (whichever of the two is the baseline [1])
  const rows = await page.$$eval('#ratio-table tr', trs => trs.map(tr => [...tr.cells].map(td => td.textContent.trim())));
  const baseIsRun = (await page.$eval('#baseline', s => s.options[s.selectedIndex].textContent)).includes(cpuModel);
  const triad = rows.find(r => /triad/.test(r[0]));
  const copyRow = rows.find(r => /\bcopy\b/.test(r[0]));
  assert.ok(triad && copyRow, `no triad/copy rows: ${JSON.stringify(rows)}`);
  // then the verdict column: the copy doubled the headline values, not the per-run samples behind them, so the
  // test finds no difference on those rows
  assert.equal(rows[0].at(-1), '[2] vs [1]');
  assert.equal(triad.at(-2), baseIsRun ? '2.00×' : '0.50×');
  assert.equal(copyRow.at(-2), '1.00×');
  assert.equal(triad.at(-1), 'no significant difference');
  assert.equal(copyRow.at(-1), 'no significant difference');
  if (llamaDir) {
    const tps = rows.find(r => /tiny-test/.test(r[0]) && r[1] === 'tokens/s');
    assert.equal(tps.at(-2), baseIsRun ? '2.00×' : '0.50×');
    assert.match(tps.at(-1), /^(no significant difference|not enough runs)$/);
  }

  // the comparison's CSV (a download made in the page)
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-cmp')]);
  const cmpCsv = fs.readFileSync(await download.path(), 'utf8').split(/\r?\n/);
  assert.match(cmpCsv[0], /^family,metric,unit,better,/);
  const triadCsv = cmpCsv.find(l => l.startsWith('memory_bandwidth,triad,'));
  assert.ok(triadCsv, 'no memory_bandwidth,triad row in the comparison CSV');
  // family,metric,unit,better,value 1,value 2,ratio, then the verdict's columns
  assert.equal(triadCsv.split(',')[6], baseIsRun ? '2' : '0.5');
  assert.equal(triadCsv.split(',')[7], 'no_difference');
  // the verdicts in French
  await setLang('fr');
  await page.waitForFunction(() => [...document.querySelectorAll('#ratio-table tr')]
    .some(tr => /triad/.test(tr.cells[0]?.textContent) && tr.cells[tr.cells.length - 1].textContent === 'pas de différence significative'));
  assert.match(await page.$eval('#ratio-table tr', tr => tr.cells[tr.cells.length - 1].textContent), /^\[2\] vs \[1\]$/);
  await setLang('en');
  await page.waitForSelector('#ratio-table');
  await page.locator('#comparison').scrollIntoViewIfNeeded();
  await shot('results-compare');
});

test('compare --html writes a self-contained report that draws in Chromium', async () => {
  const orig = await api(`/api/results/${encodeURIComponent(runFile)}`);
  const a = path.join(tmp, 'report_a.json'), b = path.join(tmp, 'report_b.json'), html = path.join(tmp, 'report.html');
  fs.writeFileSync(a, JSON.stringify(orig));
  orig.id = '20990101_000001';
  orig.hardware.cpu.model = 'Report Test CPU';
  orig.classic_benchmarks.benchmarks.memory_bandwidth.triad_gbps *= 2;
  fs.writeFileSync(b, JSON.stringify(orig));
  execFileSync(BIN, ['compare', a, b, '--html', html], {stdio: ['ignore', 'ignore', 'pipe']});
  const report = await browser.newPage();
  const errors = [];
  report.on('pageerror', e => errors.push(String(e)));
  await report.goto(`file://${html}`);
  await report.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
  const charts = await report.evaluate(() => [...document.querySelectorAll('canvas')].map(c => {
    const ch = window.Chart && Chart.getChart(c);
    return ch ? ch.data.datasets.length : 0;
  }));
  assert.ok(charts.length >= 1, 'the report has charts');
  assert.ok(charts.every(n => n === 2), `every chart compares the two files: ${charts}`);
  assert.match(await report.textContent('body'), /2\.00/);
  await report.screenshot({path: path.join(ARTIFACTS, 'compare-report.png'), fullPage: true});
  assert.deepEqual(errors, []);
  await report.close();
});

test('temperature comparison: the page sends it, the result shows its table and charts (EN and FR)', async t => {
  if (!llamaDir) { t.skip('no libllama under .deps/llama'); return; }
  runConfig = {inference: {max_tokens: 8}, runs: {count: 2, warmup_max_tokens: 4, cleanup_pause_s: 0},
    monitor: {interval_s: 0.2}};
  await startRun({classic: false, ai: true, models: ['tiny-test'], compare: ['temperature']});
  assert.deepEqual(lastRunBody.compare, ['temperature']);
  assert.equal(lastRunBody.engine, undefined);
  const file = await waitDone();
  assert.match(await page.textContent('#run-status'), /Run finished: complete/);
  const res = await api(`/api/results/${encodeURIComponent(file)}`);
  const want = res.ai_benchmarks.comparisons.temperature['tiny-test'];
  assert.deepEqual(Object.keys(res.ai_benchmarks.comparisons).sort(), ['status', 'temperature']);

  await page.goto(`${base}/#results`);
  const link = page.locator('#results-list a', {hasText: file});
  await link.waitFor();
  await link.click();
  await page.locator('#detail h2', {hasText: file}).waitFor();
  const sel = '#phases .phase-section[data-phase="temperature"][data-model="tiny-test"]';
  await page.waitForSelector(sel);
  assert.equal(await page.locator('#phases .phase-section').count(), 1, 'only the phase that ran has a section');
  const rows = await page.$$eval(`${sel} table.phase-table tbody tr`,
    trs => trs.map(tr => [tr.dataset.variant, ...[...tr.cells].map(td => td.textContent.trim())]));
  assert.deepEqual(rows.map(r => r[0]), ['low', 'medium', 'high']);
  assert.match(rows[0][1], /^low \(0\.25\)/);
  assert.match(rows[2][1], /^high \(0\.75\)/);
  // tokens/s "mean ± std" as in the file, 1 decimal
  const one = new Intl.NumberFormat('en', {minimumFractionDigits: 1, maximumFractionDigits: 1});
  rows.forEach(([v, , status, tps]) => {
    assert.equal(status, 'ok');
    assert.equal(tps, `${one.format(want[v].summary.avg_tokens_per_second)} ± ${one.format(want[v].summary.std_tokens_per_second)}`);
  });
  const charts = async () => page.$$eval(`${sel} canvas`, cs => cs.map(c => {
    const ch = window.Chart.getChart(c);
    return {name: c.dataset.chart, labels: ch?.data.labels, data: ch?.data.datasets[0]?.data,
            std: ch?.data.datasets[0]?.std, w: c.width, h: c.height};
  }));
  let drawn = await charts();
  const tps = drawn.find(c => c.name === 'phase-tps');
  assert.ok(tps, `no tokens/s chart: ${JSON.stringify(drawn)}`);
  assert.equal(tps.data.length, 3);
  assert.deepEqual(tps.data, ['low', 'medium', 'high'].map(v => want[v].summary.avg_tokens_per_second));
  assert.deepEqual(tps.std, ['low', 'medium', 'high'].map(v => want[v].summary.std_tokens_per_second));
  const ttft = drawn.find(c => c.name === 'phase-ttft');
  assert.ok(ttft && ttft.data.length === 3 && ttft.data.every(v => v > 0), JSON.stringify(ttft));
  // its whiskers: the sample standard deviation (n - 1) of the successful runs' first-token latency, from the server
  const sd = xs => { const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1)); };
  ['low', 'medium', 'high'].forEach((v, i) => {
    const xs = want[v].runs.filter(r => r.status === 'ok').map(r => r.first_token_latency_s);
    assert.ok(Math.abs(ttft.std[i] - sd(xs)) < 1e-12, `${v}: ${ttft.std[i]} vs ${sd(xs)}`);
  });
  assert.ok(drawn.every(c => c.w > 0 && c.h > 0), 'a chart has no size');
  await page.locator(sel).scrollIntoViewIfNeeded();
  await page.locator(sel).screenshot({path: path.join(ARTIFACTS, 'gui-phase-temperature-en.png')});

  await setLang('fr');
  try {
    await page.waitForFunction(s => /Températures/.test(document.querySelector(`${s} h3`)?.textContent || ''), sel);
    const headers = await page.$$eval(`${sel} table.phase-table thead th`, ths => ths.map(th => th.textContent.trim()));
    assert.equal(headers[0], 'Variante');
    assert.ok(headers.includes('Stabilité'), headers.join(' | '));
    const first = await page.$eval(`${sel} table.phase-table tbody tr`, tr => tr.cells[0].textContent.trim());
    assert.match(first, /^basse \(0,25\)/);
    drawn = await charts();
    assert.equal(drawn.find(c => c.name === 'phase-tps').data.length, 3);
    assert.deepEqual(drawn.find(c => c.name === 'phase-tps').labels, ['basse (0,25)', 'moyenne (0,50)', 'haute (0,75)']);
    await page.locator(sel).scrollIntoViewIfNeeded();
    await page.locator(sel).screenshot({path: path.join(ARTIFACTS, 'gui-phase-temperature-fr.png')});
  } finally {
    await setLang('en');
  }
});

test('benchmark form: comparison phases and engine choice, in French', async () => {
  await page.goto(`${base}/#benchmark`);
  await page.waitForSelector('#page-benchmark #start');
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Phases de comparaison/.test(document.querySelector('#compare-phases legend')?.textContent || ''));
    assert.match(await page.textContent('#engine legend'), /Moteur d’inférence/);
    // "All" ticks the four, and the LLM phase off greys them
    await page.locator('#ph-ai').setChecked(true);
    await page.locator('#cmp-all').check();
    for (const name of ['quant', 'temperature', 'language', 'prompt-type'])
      assert.equal(await page.isChecked(`#cmp-${name}`), true, name);
    await page.locator('#engine-manual').check();
    assert.equal(await page.isDisabled('#srv-path'), true);
    assert.equal(await page.isDisabled('#srv-url'), false);
    await page.locator('#page-benchmark .grid').screenshot({path: path.join(ARTIFACTS, 'gui-benchmark-form-fr.png')});
    await page.locator('#ph-ai').setChecked(false);
    assert.equal(await page.isDisabled('#cmp-temperature'), true);
  } finally {
    await setLang('en');
  }
  // the language switch redraws the form and keeps what was chosen
  assert.equal(await page.isChecked('#engine-manual'), true);
  assert.equal(await page.isChecked('#cmp-language'), true);
  await page.locator('#ph-ai').setChecked(true);
  await page.locator('#cmp-all').uncheck();
  await page.locator('#engine-in-process').check();
});

test('llama-server engine: bad fields are refused, manual mode against a closed port records the failure', async () => {
  // auto mode with no such binary: the API's 400 reaches the user, no run starts (the browser logs the two
  // refused requests on the console; exactly those are expected and taken out of the page's error list)
  const errorsBefore = pageErrors.length;
  await startRun({classic: false, ai: true, models: ['tiny-test'], engine: 'auto',
    fields: {'#srv-path': '/nonexistent/llama-server'}, started: false});
  // the refusal is shown at the field it names (tests/browser/run.test.mjs checks it stays there)
  await page.waitForFunction(() => /nonexistent\/llama-server/.test(document.getElementById('srv-path-error').textContent));
  assert.equal(lastRunBody.engine, 'auto');
  assert.equal(lastRunBody.llama_server, '/nonexistent/llama-server');
  assert.equal(await page.isDisabled('#srv-url'), true, 'manual fields are greyed in auto mode');
  assert.equal((await api('/api/runs')).running_id, null);

  // manual mode: the URL must be http(s); the page does not start the run
  await startRun({classic: false, ai: true, models: ['tiny-test'], engine: 'manual',
    fields: {'#srv-url': 'ftp://127.0.0.1:1'}, started: false});
  await page.waitForFunction(() => /server_url/.test(document.getElementById('srv-url-error').textContent));
  assert.equal(lastRunBody.llama_server, undefined, 'the auto field is not sent in manual mode');
  assert.equal((await api('/api/runs')).running_id, null);
  const is400 = e => /status of 400/.test(e);
  for (let i = 0; i < 50 && pageErrors.slice(errorsBefore).filter(is400).length < 2; i++)
    await new Promise(r => setTimeout(r, 100));
  const since = pageErrors.splice(errorsBefore);
  assert.equal(since.filter(is400).length, 2, since.join('\n'));
  pageErrors.push(...since.filter(e => !is400(e)));   // anything else still fails the last test

  const key = 'sk-gui-test-never-stored';
  runConfig = {runs: {count: 2, cleanup_pause_s: 0}, monitor: {interval_s: 0.2}};
  await startRun({classic: false, ai: true, models: ['tiny-test'], engine: 'manual',
    fields: {'#srv-url': 'http://127.0.0.1:1', '#srv-model': 'tiny', '#srv-key': key}});
  assert.deepEqual([lastRunBody.engine, lastRunBody.server_url, lastRunBody.server_model, lastRunBody.api_key],
    ['manual', 'http://127.0.0.1:1', 'tiny', key]);
  await page.locator('#page-benchmark fieldset#engine').screenshot({path: path.join(ARTIFACTS, 'gui-engine-manual.png')});
  const file = await waitDone();
  assert.match(await page.textContent('#run-status'), /Run finished: complete/);
  const text = fs.readFileSync(path.join(tmp, 'results', file), 'utf8');
  assert.ok(!text.includes(key), 'the API key is in the results file');
  const m = JSON.parse(text).ai_benchmarks.results['tiny-test'];
  assert.equal(m.status, 'failed');
  assert.match(m.error, /127\.0\.0\.1:1/);
  assert.equal(m.engine.mode, 'manual');

  await page.goto(`${base}/#results`);
  const link = page.locator('#results-list a', {hasText: file});
  await link.waitFor();
  await link.click();
  // the page may still show the detail of the run before: wait for this file's
  await page.locator('#detail h2', {hasText: file}).waitFor();
  const row = page.locator('#ai-models tr[data-model="tiny-test"]');
  await row.waitFor();
  const cells = await row.locator('td').allTextContents();
  assert.match(cells[1], /^failed.*127\.0\.0\.1:1/s);
  assert.match(cells[2], /manual.*http:\/\/127\.0\.0\.1:1/);
  await page.locator('#ai-models').screenshot({path: path.join(ARTIFACTS, 'gui-manual-failed.png')});
});

test('cancel a run leaves a cancelled results file', async () => {
  // the default classic plan (sizes up to 2048, 256 MiB arrays): long enough to be cancelled in its first phase
  runConfig = {monitor: {interval_s: 0.2}};
  await startRun({classic: true, ai: false, models: ['tiny-test']});
  await page.waitForFunction(() => /cpu_single_thread|started|start/i.test(document.querySelector('#run-events')?.textContent || ''));
  await page.click('#cancel');
  await page.waitForFunction(() => /Run finished/.test(document.querySelector('#run-status')?.textContent || ''),
    null, {timeout: 90000});
  assert.match(await page.textContent('#run-status'), /Run finished: cancelled/);
  const file = await page.getAttribute('#run-status a[data-file]', 'data-file');
  assert.ok(file && file !== runFile);
  const onDisk = JSON.parse(fs.readFileSync(path.join(tmp, 'results', file), 'utf8'));
  assert.equal(onDisk.run.status, 'cancelled');
  assert.ok(fs.readdirSync(path.join(tmp, 'results')).every(f => !f.startsWith('.')), 'a temp file was left');
  await shot('benchmark-cancelled');
  await page.goto(`${base}/#results`);
  await page.locator('#results-list tr', {hasText: file}).filter({hasText: 'cancelled'}).waitFor();
});

// The schedule-streaming test server of tests/unit/test_serve_bench.c (`--serve`: prints its port; the URL's
// path sets the schedule, e.g. /n=12,first=30,gap=5,fail=7/: 12 tokens, the first after 30 ms, then one every
// 5 ms, every 7th request answered HTTP 500).
const SERVE_BIN = path.resolve(process.env.CLLM_SERVE_TEST_BIN
  || path.join(path.dirname(BIN), 'tests', 'test_serve_bench'));

async function startScheduleServer() {
  const proc = spawn(SERVE_BIN, ['--serve'], {stdio: ['ignore', 'pipe', 'inherit']});
  process.on('exit', () => { try { proc.kill('SIGKILL'); } catch { /* gone */ } });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no port from ${SERVE_BIN} within 10 s: ${out}`)), 10000);
    proc.stdout.on('data', d => {
      out += d;
      const m = out.match(/^(\d+)\s*$/m);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    proc.once('exit', code => { clearTimeout(t); reject(new Error(`${SERVE_BIN} exited (${code}): ${out}`)); });
  });
  return {port, stop: () => new Promise(resolve => {
    if (proc.exitCode !== null || proc.signalCode !== null) { resolve(); return; }
    proc.once('exit', () => resolve());
    proc.kill('SIGTERM');
  })};
}

// computellm serve-bench into the GUI's results folder; returns the file's name (its path is the last stdout line).
function serveBench(url, args) {
  const r = spawnSync(BIN, ['serve-bench', '--server-url', url, ...args, '--output-dir', path.join(tmp, 'results')],
    {encoding: 'utf8', timeout: 60000});
  const file = (r.stdout || '').trim().split('\n').at(-1);
  assert.ok(file && fs.existsSync(file), `serve-bench wrote no file (exit ${r.status}): ${r.stderr}`);
  return path.basename(file);
}

async function openResult(file) {
  // a fresh page: the list is read again and nothing is left selected from the tests before
  await page.goto(`${base}/#results`);
  await page.reload();
  const link = page.locator('#results-list a', {hasText: file});
  await link.waitFor();
  await link.click();
  await page.locator('#detail h2', {hasText: file}).waitFor();
}

const cells = sel => page.$$eval(`${sel} tr`, trs => trs.map(tr => [...tr.cells].map(td => td.textContent.trim())));
const chartData = name => page.$eval(`#detail canvas[data-chart="${name}"]`, c => {
  const ch = window.Chart.getChart(c);
  return ch && {labels: ch.data.labels, data: ch.data.datasets.map(d => d.data), w: c.width, h: c.height};
});

test('serve-bench results: serving table, charts, errors, comparison (EN and FR)', async t => {
  if (!fs.existsSync(SERVE_BIN)) { t.skip(`no ${SERVE_BIN} (built with libcurl and libmicrohttpd)`); return; }
  const srv = await startScheduleServer();
  let file, failedFile;
  try {
    const url = `http://127.0.0.1:${srv.port}/n=12,first=30,gap=5,fail=7/`;
    file = serveBench(url, ['--concurrency', '1,2,4', '--requests', '8', '--max-tokens', '16',
                            '--slo', 'ttft_ms=100,itl_ms=20']);
    // every request fails: the first level is failed, the next one not run
    failedFile = serveBench(`http://127.0.0.1:${srv.port}/n=5,first=10,gap=5,fail=1/`,
      ['--concurrency', '1,2', '--requests', '4']);
  } finally {
    await srv.stop();
  }
  const res = await api(`/api/results/${encodeURIComponent(file)}`);
  const levels = res.serving_benchmarks.levels;
  assert.deepEqual(levels.map(L => L.concurrency), [1, 2, 4]);
  assert.ok(levels.every(L => L.status === 'ok'), JSON.stringify(levels.map(L => L.status)));

  // the list has it like any other file
  const listed = (await api('/api/results')).find(r => r.name === file);
  assert.equal(listed?.status, 'complete');
  await openResult(file);
  await page.waitForSelector('#serving #serving-levels');

  // one row per level, each cell the file's number as the page formats it (ms for TTFT/ITL, s for E2E)
  const fmt = (lang, d) => new Intl.NumberFormat(lang, {minimumFractionDigits: d, maximumFractionDigits: d});
  const pc = lang => new Intl.NumberFormat(lang,
    {style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1});
  const want = lang => levels.map(L => [String(L.concurrency), L.status, `${L.n_ok} / ${L.n_requests}`,
    fmt(lang, 2).format(L.wall_s), fmt(lang, 2).format(L.requests_per_second),
    fmt(lang, 1).format(L.output_tokens_per_second),
    fmt(lang, 1).format(L.ttft_s.p50 * 1e3), fmt(lang, 1).format(L.ttft_s.p99 * 1e3),
    fmt(lang, 2).format(L.itl_s.p50 * 1e3), fmt(lang, 2).format(L.itl_s.p99 * 1e3),
    fmt(lang, 3).format(L.e2e_s.p50), fmt(lang, 3).format(L.e2e_s.p99),
    pc(lang).format(L.error_rate), fmt(lang, 2).format(L.goodput.requests_per_second),
    pc(lang).format(L.goodput.fraction)]);
  assert.deepEqual(await cells('#serving-levels tbody'), want('en'));
  assert.equal(await page.locator('#serving-levels tbody tr.level-ok').count(), 3);
  assert.equal(await page.locator('#serving-not-run').count(), 0);

  // the server and the parameters as written
  const server = await page.textContent('#serving-server');
  for (const s of [res.serving_benchmarks.server.url, 'openai-compatible', 'default'])
    assert.ok(server.includes(s), server);
  assert.match(await page.textContent('#serving-params'), /1, 2, 4.*TTFT ≤ 100 ms, mean ITL per request ≤ 20 ms/s);
  // every 7th request failed: its message is among the first errors
  const failures = levels.reduce((a, L) => a + L.n_failed, 0);
  assert.ok(failures > 0, 'the schedule fails every 7th request');
  assert.match(await page.textContent('#serving-errors'), /HTTP 500.*model exploded/);

  // charts: one point per level with the file's values
  await page.waitForFunction(() => ['serving-throughput', 'serving-ttft', 'serving-itl'].every(n => {
    const c = document.querySelector(`#detail canvas[data-chart="${n}"]`);
    return c && window.Chart.getChart(c);
  }));
  // the page draws the server's view as sent; the view's values are the file's (TTFT and ITL in ms), to the
  // 15 significant digits cJSON prints
  const view = await api(`/api/results/${encodeURIComponent(file)}/view`);
  const series = id => view.serving.charts.find(c => c.id === id).series.map(s => s.values);
  const close = (got, want) => assert.ok(got.length === want.length && got.every((g, i) => g.every((v, j) =>
    Math.abs(v - want[i][j]) <= 1e-12 * Math.abs(want[i][j]))), `${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
  const tput = await chartData('serving-throughput');
  assert.deepEqual(tput.labels, ['c=1', 'c=2', 'c=4']);
  assert.deepEqual(tput.data, series('serving-throughput'));
  close(tput.data, [levels.map(L => L.output_tokens_per_second), levels.map(L => L.requests_per_second)]);
  assert.ok(tput.w > 0 && tput.h > 0, 'the throughput chart has no size');
  assert.deepEqual((await chartData('serving-ttft')).data, series('serving-ttft'));
  close(series('serving-ttft'), [levels.map(L => L.ttft_s.p50 * 1e3), levels.map(L => L.ttft_s.p99 * 1e3)]);
  assert.deepEqual((await chartData('serving-itl')).data, series('serving-itl'));
  close(series('serving-itl'), [levels.map(L => L.itl_s.p50 * 1e3), levels.map(L => L.itl_s.p99 * 1e3)]);

  // the classic and LLM parts say they did not run: no empty chart, no monitor
  assert.match(await page.textContent('#classic-not-run'), /Classic benchmarks.*not run in this file — serve-bench/);
  assert.match(await page.textContent('#ai-not-run'), /LLM inference: not run in this file/);
  const detailCharts = await page.$$eval('#detail canvas', cs => cs.map(c => c.dataset.chart));
  assert.deepEqual(detailCharts.sort(), ['serving-itl', 'serving-throughput', 'serving-ttft']);
  assert.equal(await page.locator('#detail', {hasText: 'No data for this chart'}).count(), 0);
  await page.locator('#serving').scrollIntoViewIfNeeded();
  await page.locator('#detail').screenshot({path: path.join(ARTIFACTS, 'gui-serving-en.png')});

  await setLang('fr');
  try {
    await page.waitForFunction(() =>
      /Serveur sous charge/.test(document.querySelector('#serving h2')?.textContent || ''));
    const head = await cells('#serving-levels thead');
    assert.equal(head[0][0], 'Concurrence');
    assert.equal(head[0][5], 'Tok/s en sortie');
    assert.deepEqual(await cells('#serving-levels tbody'), want('fr'));
    assert.match(await page.textContent('#classic-not-run'), /non exécuté dans ce fichier/);
    await page.waitForFunction(() => {
      const c = document.querySelector('#detail canvas[data-chart="serving-throughput"]');
      return c && window.Chart.getChart(c)?.data.datasets[0].label === 'tokens/s en sortie';
    });
    assert.deepEqual((await chartData('serving-throughput')).data[0], series('serving-throughput')[0]);
    await page.locator('#detail').screenshot({path: path.join(ARTIFACTS, 'gui-serving-fr.png')});
  } finally {
    await setLang('en');
  }

  // a failed level: marked, its error shown, the charts drawn with what there is (no error in the page)
  await openResult(failedFile);
  await page.waitForSelector('#serving #serving-levels');
  const failedRes = await api(`/api/results/${encodeURIComponent(failedFile)}`);
  assert.equal(failedRes.serving_benchmarks.status, 'failed');
  const frows = await cells('#serving-levels tbody');
  assert.equal(frows.length, failedRes.serving_benchmarks.levels.length);
  assert.equal(frows[0][1], 'failed');
  assert.match(await page.getAttribute('#serving-levels tbody tr.level-failed td.status-failed', 'title'),
    /HTTP 500.*model exploded/);
  assert.equal(await page.locator('#serving-levels tbody tr.level-failed').count(), 1);
  assert.equal(await page.textContent('#serving-not-run'), 'Not run: c = 2');
  assert.match(await page.textContent('#serving-status'), /Serving load: failed — every request of a level failed/);
  assert.match(await page.textContent('#serving-errors'), /c = 1.*HTTP 500/s);
  await page.waitForFunction(() =>
    window.Chart.getChart(document.querySelector('#detail canvas[data-chart="serving-throughput"]')));
  await page.locator('#serving').screenshot({path: path.join(ARTIFACTS, 'gui-serving-failed.png')});

  // compared with a copy whose output tokens/s is twice as high: 2.00× on those rows only
  const copy = structuredClone(res);
  copy.id = '20990101_000002';
  copy.hardware.cpu.model = 'Serving Copy CPU';
  for (const L of copy.serving_benchmarks.levels) L.output_tokens_per_second *= 2;
  const copyPath = path.join(tmp, 'serving_copy.json');
  fs.writeFileSync(copyPath, JSON.stringify(copy));
  await page.setInputFiles('#import', copyPath);
  const copyRow = page.locator('#results-list tr', {hasText: 'Serving Copy CPU'});
  await copyRow.waitFor();
  await page.locator(`#results-list tr:has(a:text-is("${file}")) input[type=checkbox]`).check();
  await copyRow.locator('input[type=checkbox]').check();
  await page.click('#compare');
  await page.waitForSelector('#ratio-table');
  const baseIsRun = !(await page.$eval('#baseline', s => s.options[s.selectedIndex].textContent))
    .includes('Serving Copy CPU');
  const rows = await cells('#ratio-table');
  const row = name => rows.find(r => r[0] === name);
  for (const c of [1, 2, 4]) {
    const tps = row(`Serving output tokens/s c=${c}`);
    assert.ok(tps, `no output tokens/s row for c=${c}: ${JSON.stringify(rows)}`);
    // the ratio, then the verdict: a serving level is one measurement per file, so no test
    assert.deepEqual([tps[1], tps[2], tps.at(-2), tps.at(-1)],
      ['tokens/s', 'higher', baseIsRun ? '2.00×' : '0.50×', 'not enough runs']);
    const rps = row(`Serving requests/s c=${c}`), ttft = row(`Serving TTFT p50 c=${c}`);
    const itl = row(`Serving ITL p50 c=${c}`);
    assert.deepEqual([rps?.[1], rps?.[2], rps?.at(-2)], ['req/s', 'higher', '1.00×']);
    assert.deepEqual([ttft?.[1], ttft?.[2], ttft?.at(-2)], ['s', 'lower', '1.00×']);
    assert.deepEqual([itl?.[1], itl?.[2], itl?.at(-2)], ['s', 'lower', '1.00×']);
  }
  // nothing but the serving families: the file has no classic or LLM numbers
  assert.ok(rows.slice(1).every(r => /^Serving /.test(r[0])), JSON.stringify(rows.map(r => r[0])));
  await page.waitForFunction(() => {
    const c = document.querySelector('#comparison canvas[data-chart="cmp-serving_output_tokens_per_second"]');
    const ch = c && window.Chart.getChart(c);
    return ch && ch.data.datasets.length === 2 && ch.data.labels.join() === 'c=1,c=2,c=4';
  });
  await page.evaluate(() => { document.getElementById('toast').hidden = true; });   // "Imported as ..."
  await page.locator('#comparison').screenshot({path: path.join(ARTIFACTS, 'gui-serving-compare.png')});
});

test('serve-bench open-loop results: levels by their rate, the rates asked for (EN and FR)', async t => {
  if (!fs.existsSync(SERVE_BIN)) { t.skip(`no ${SERVE_BIN} (built with libcurl and libmicrohttpd)`); return; }
  const srv = await startScheduleServer();
  let file;
  try {
    file = serveBench(`http://127.0.0.1:${srv.port}/n=6,first=10,gap=5/`,
      ['--request-rate', '20,inf', '--requests', '4', '--max-tokens', '6']);
  } finally {
    await srv.stop();
  }
  const levels = (await api(`/api/results/${encodeURIComponent(file)}`)).serving_benchmarks.levels;
  assert.deepEqual(levels.map(L => [L.mode, L.rate]), [['open-loop', 20], ['open-loop', null]]);
  await openResult(file);
  await page.waitForSelector('#serving #serving-levels');
  const rows = await cells('#serving-levels tbody');
  assert.deepEqual(rows.map(r => r[0]), ['20 req/s', 'inf']);
  assert.equal((await cells('#serving-levels thead'))[0][0], 'Request rate');
  assert.match(await page.textContent('#serving > p.muted'), /at each request rate, requests sent on a seeded schedule/);
  assert.match(await page.textContent('#serving-params'), /Request rates \(open loop\)20 req\/s, inf/);
  await page.waitForFunction(() => {
    const c = document.querySelector('#detail canvas[data-chart="serving-throughput"]');
    return c && window.Chart.getChart(c);
  });
  assert.deepEqual((await chartData('serving-throughput')).labels, ['rate=20', 'rate=inf']);
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Débit de requêtes/.test(document.querySelector('#serving-levels thead')?.textContent || ''));
    assert.match(await page.textContent('#serving-params'), /Débits de requêtes \(boucle ouverte\)20 req\/s, inf/);
  } finally {
    await setLang('en');
  }
});

test('serve-bench SLA search and the server’s /metrics view: the answer, each probe, what each level added (EN and FR)', async t => {
  if (!fs.existsSync(SERVE_BIN)) { t.skip(`no ${SERVE_BIN} (built with libcurl and libmicrohttpd)`); return; }
  const srv = await startScheduleServer();
  let file, noMetrics;
  try {
    // the first token 20 ms up to 3 streams in flight, 320 ms past them: the answer is 3
    file = serveBench(`http://127.0.0.1:${srv.port}/knee=3:300/`, ['--find-max', 'concurrency',
      '--slo', 'ttft_p99_ms=150', '--probe-requests', '6', '--probe-seconds', '0', '--max-tokens', '4']);
    noMetrics = serveBench(`http://127.0.0.1:${srv.port}/nometrics/`, ['--concurrency', '1', '--requests', '2',
      '--max-tokens', '4']);
  } finally {
    await srv.stop();
  }
  const sb = (await api(`/api/results/${encodeURIComponent(file)}`)).serving_benchmarks;
  assert.deepEqual(sb.sla_search.probes.map(p => [p.value, p.met]), [[1, true], [2, true], [4, false], [3, true]]);
  await openResult(file);
  await page.waitForSelector('#serving #serving-search');
  assert.equal(await page.textContent('#serving-search h3'), 'SLA search (concurrency)');
  assert.equal(await page.textContent('#serving-search-answer'), 'Highest concurrency meeting every SLO: 3');
  const probes = await cells('#serving-search-probes tbody');
  assert.deepEqual(probes.map(r => r.slice(0, 2)), [['1', '1'], ['2', '2'], ['3', '4'], ['4', '3']]);
  assert.deepEqual(probes.map(r => r[2].split(' — ')[0]), ['met', 'met', 'missed', 'met']);
  // what missed, from the file
  assert.equal(probes[2][2], `missed — ${sb.sla_search.probes[2].why}`);
  assert.match(probes[2][2], /ttft p99 [\d.]+ ms > 150 ms/i);
  // the parameters: the levels are the search's, the p99 SLO it checks
  const params = await page.textContent('#serving-params');
  assert.match(params, /Concurrency levelschosen by the SLA search \(below\)/);
  assert.match(params, /p99 SLO \(each level checked\)TTFT p99 ≤ 150 ms/);
  assert.match(await page.textContent('#serving-search-rule'), /^Concurrency from 1, doubled .* bisected to one stream\. Each probe: at least 6 measured requests, after a warm-up share of 20%\.$/);

  // the server's view: one row per level, the tokens each level added are what its requests were served
  const head = (await cells('#serving-metrics-table thead'))[0];
  assert.deepEqual(head, ['Concurrency', 'KV cache (% at most)', 'Running (at most)', 'Waiting (at most)',
    'Prompt tokens (added)', 'Cached tokens (added)', 'Generated tokens (added)']);
  const rows = await cells('#serving-metrics-table tbody');
  assert.equal(rows.length, sb.levels.length);
  const int = x => Number(x.replace(/[^\d]/g, ''));
  sb.levels.forEach((L, i) => {
    assert.equal(rows[i][0], String(L.concurrency));
    assert.equal(int(rows[i][4]), L.server_metrics.prompt_tokens.delta, `level ${i}: prompt tokens`);
    assert.equal(int(rows[i][4]), L.requests.reduce((a, r) => a + r.prompt_tokens, 0));
    assert.equal(int(rows[i][6]), L.output_tokens, `level ${i}: generated tokens`);
    assert.equal(int(rows[i][2]), L.server_metrics.requests_running.max);
  });
  await page.locator('#serving-search').screenshot({path: path.join(ARTIFACTS, 'gui-serving-search-en.png')});
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Recherche SLA \(concurrence\)/.test(document.querySelector('#serving-search h3')?.textContent || ''));
    assert.equal(await page.textContent('#serving-search-answer'), 'Concurrence la plus haute qui tient tous les SLO : 3');
    assert.deepEqual((await cells('#serving-search-probes tbody')).map(r => r[2].split(' — ')[0]),
      ['tenu', 'tenu', 'manqué', 'tenu']);
    assert.match(await page.textContent('#serving-search-rule'), /^Concurrence à partir de 1, doublée/);
    assert.match(await page.textContent('#serving-params'),
      /choisis par la recherche SLA.*non donné : max\(16, 4 × concurrence\) par niveau.*SLO p99 \(chaque niveau vérifié\)TTFT p99 ≤ 150 ms/s);
    assert.equal((await cells('#serving-metrics-table thead'))[0][6], 'Tokens générés (ajoutés)');
    await page.locator('#serving-metrics').screenshot({path: path.join(ARTIFACTS, 'gui-serving-metrics-fr.png')});
  } finally {
    await setLang('en');
  }

  // a server without /metrics: one line with the reason, no table of zeros; no search card without --find-max
  await openResult(noMetrics);
  await page.waitForSelector('#serving #serving-metrics');
  assert.match(await page.textContent('#serving-metrics-none'), /^The server’s \/metrics: none \(.*501.*\)\.$/);
  assert.equal(await page.locator('#serving-metrics-table').count(), 0);
  assert.equal(await page.locator('#serving-search').count(), 0);
});

let sweepFile = null;

test('sweep results: llama-bench’s table, built by the server (EN and FR)', async t => {
  if (!llamaDir) { t.skip('no libllama under .deps/llama'); return; }
  const r = spawnSync(BIN, ['sweep', '-m', 'tiny-test', '--models-file', path.join(tmp, 'models.json'),
    '--models-dir', path.join(tmp, 'models'), '--no-download', '-p', '32', '-n', '8', '-d', '0,16', '-r', '2',
    '-t', '1', '-o', 'none', '--output', path.join(tmp, 'results')], {encoding: 'utf8', timeout: 120000});
  const m = (r.stderr || '').match(/results written to (\S+\.json)/);
  assert.ok(m && fs.existsSync(m[1]), `sweep wrote no file (exit ${r.status}): ${r.stderr}`);
  sweepFile = path.basename(m[1]);
  const res = await api(`/api/results/${encodeURIComponent(sweepFile)}`);
  const tests = res.ai_benchmarks.sweep.tests;
  await openResult(sweepFile);
  await page.waitForSelector('#sweep #sweep-table');
  // one row per test, named as llama-bench names them, t/s mean ± sd with 2 decimals as in the file
  const rows = await page.$$eval('#sweep-table tbody tr', trs => trs.map(tr => ({test: tr.dataset.test,
    cells: [...tr.cells].map(td => td.textContent.trim())})));
  assert.deepEqual(rows.map(x => x.test), ['pp32', 'tg8', 'pp32 @ d16', 'tg8 @ d16']);
  const two = lang => new Intl.NumberFormat(lang, {minimumFractionDigits: 2, maximumFractionDigits: 2});
  const head = await page.$$eval('#sweep-table thead th', ths => ths.map(th => th.textContent.trim()));
  assert.deepEqual(head.slice(0, 6), ['model', 'size', 'params', 'backend', 'threads', 'ngl']);
  assert.deepEqual(head.slice(-3), ['test', 't/s', 'Status']);
  rows.forEach((x, i) => {
    const f = tests[i];
    assert.ok(x.cells[0].startsWith(f.model_type) && x.cells[0].includes('(synthetic)'), x.cells[0]);
    assert.equal(x.cells[4], String(f.n_threads));
    assert.equal(x.cells[5], String(f.n_gpu_layers));
    assert.equal(x.cells.at(-3), x.test);
    assert.ok(x.cells.at(-2).startsWith(`${two('en').format(f.avg_ts)} ± ${two('en').format(f.stddev_ts)}`),
      `${x.cells.at(-2)} vs ${f.avg_ts} ± ${f.stddev_ts}`);
    assert.equal(x.cells.at(-2).includes(' N'), f.noisy, x.cells.at(-2));
    assert.equal(x.cells.at(-1), f.status);
  });
  assert.match(await page.textContent('#sweep'), /build: \S+ \(libllama /);
  // a sweep file's LLM part is the matrix: no "LLM inference: not run" line
  assert.equal(await page.locator('#ai-not-run').count(), 0);
  await page.locator('#sweep').screenshot({path: path.join(ARTIFACTS, 'gui-sweep-en.png')});
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Matrice de tests/.test(document.querySelector('#sweep h2')?.textContent || ''));
    const frRows = await cells('#sweep-table tbody');
    assert.ok(frRows[0].at(-2).startsWith(`${two('fr').format(tests[0].avg_ts)} ± `), frRows[0].at(-2));
    assert.equal((await cells('#sweep-table thead'))[0][0], 'modèle');
    await page.locator('#sweep').screenshot({path: path.join(ARTIFACTS, 'gui-sweep-fr.png')});
  } finally {
    await setLang('en');
  }
});

test('a phase during which other processes used the CPU is noted; stability shown as all runs OK / some runs failed',
  async t => {
    if (!llamaDir) { t.skip('no libllama under .deps/llama'); return; }
    // the first run's file, with other processes at 55 % during the model's runs and 5 % during a classic phase,
    // and a failed run
    const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
    res.id = '20990101_000003';
    res.hardware.cpu.model = 'Noisy Test CPU';
    const m = res.ai_benchmarks.results['tiny-test'];
    m.monitor.summary.other_cpu_pct_mean = 55;
    m.summary.stability = 'unstable';
    const mb = res.classic_benchmarks.benchmarks.memory_bandwidth;
    if (mb.monitor?.summary) mb.monitor.summary.other_cpu_pct_mean = 5;
    for (const p of Object.values(res.classic_benchmarks.benchmarks))
      if (p !== mb && p?.monitor?.summary) p.monitor.summary.other_cpu_pct_mean = 0;
    const copy = path.join(tmp, 'noisy_copy.json');
    fs.writeFileSync(copy, JSON.stringify(res));
    await page.goto(`${base}/#results`);
    await page.waitForSelector('#import');
    await page.setInputFiles('#import', copy);
    const row = page.locator('#results-list tr', {hasText: 'Noisy Test CPU'});
    await row.waitFor();
    const name = (await row.locator('td:nth-child(2) a').textContent()).trim();
    await openResult(name);
    await page.waitForSelector('#noise');
    const notes = await page.$$eval('#noise li', lis => lis.map(li => li.textContent.trim()));
    assert.deepEqual(notes, ['LLM inference, tiny-test: other processes used 55 % of the CPU during this phase: numbers may be low']);
    const stab = await page.$eval('#ai-models tr[data-model="tiny-test"] td.stability', td => td.textContent.trim());
    assert.match(stab, /^some runs failed, CV [0-9.]+ %other processes used 55 % of the CPU$/);
    assert.equal(await page.$eval('#ai-models tr[data-model="tiny-test"] td.stability', td => td.className),
      'stability bad');
    await page.locator('#noise').screenshot({path: path.join(ARTIFACTS, 'gui-noise-en.png')});
    await setLang('fr');
    try {
      await page.waitForFunction(() => /Machine occupée/.test(document.querySelector('#noise h3')?.textContent || ''));
      assert.match(await page.textContent('#noise li'), /Inférence LLM, tiny-test.*55 % du CPU pendant cette phase/);
      assert.match(await page.textContent('#ai-models tr[data-model="tiny-test"] td.stability'), /^des passes ont échoué, CV /);
    } finally {
      await setLang('en');
    }
  });

test('the pages at a narrow and a wide width, in the light and the dark theme', async () => {
  assert.ok(runFile, 'needs the first run');
  for (const scheme of ['light', 'dark'])
    for (const [w, hgt] of [[390, 844], [1440, 900]]) {
      await page.setViewportSize({width: w, height: hgt});
      await page.emulateMedia({colorScheme: scheme});
      await page.goto(`${base}/#benchmark`);
      await page.waitForSelector('#models input[value="tiny-test"]');
      await page.evaluate(() => { document.getElementById('toast').hidden = true; });
      await shot(`benchmark-${scheme}-${w}`);
      await page.goto(`${base}/#results`);
      const link = page.locator('#results-list a', {hasText: runFile});
      await link.waitFor();
      await link.click();
      await page.waitForSelector('#detail canvas[data-chart="bandwidth"]');
      await page.waitForFunction(() => [...document.querySelectorAll('#detail canvas')].every(c => window.Chart.getChart(c)));
      // nothing wider than the window but the tables' own scroll boxes; a chart keeps its last width until Chart.js's
      // ResizeObserver runs (late on a loaded machine): up to 3 s for that, an overflow that stays still fails
      await page.waitForFunction(() => document.documentElement.scrollWidth - window.innerWidth <= 1, null,
        {timeout: 3000}).catch(() => {});
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (over > 1) await shot(`results-${scheme}-${w}-overflow`);
      // the outermost elements that stick out, for the message
      const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.scroll'))
        .filter((el, _, all) => !all.includes(el.parentElement)).slice(0, 5)
        .map(el => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${el.className}` : ''}`));
      assert.ok(over <= 1, `${scheme} ${w}px: the page is ${over}px wider than the window: ${wide.join(', ')}`);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, scheme === 'dark' ? 'rgb(18, 21, 28)' : 'rgb(246, 247, 249)');
      await shot(`results-${scheme}-${w}`);
      if (sweepFile) {
        await openResult(sweepFile);
        await page.waitForSelector('#sweep-table');
        const over2 = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(over2 <= 1, `${scheme} ${w}px: the sweep page is ${over2}px wider than the window`);
        // on a phone the columns every test shares are said once above the table, else they are columns
        assert.equal(await page.isVisible('.sweep-shared'), w < 600);
        assert.equal(await page.isVisible('#sweep-table th.same'), w >= 600);
        await page.locator('#sweep').screenshot({path: path.join(ARTIFACTS, `gui-sweep-${scheme}-${w}.png`)});
      }
    }
  await page.emulateMedia({colorScheme: 'light'});
  await page.setViewportSize({width: 1280, height: 900});
});

test('no errors in the page', () => {
  assert.deepEqual(pageErrors, []);
});
