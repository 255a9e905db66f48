// Browser test of the GUI's energy display (issue 15 §4): the results detail's energy card (decode and prompt
// J/token, mean watts, tokens/J, the source; the reason in a muted note when nothing was measured), the models
// table's and the timed runs' J/token, the sweep's J/token column and charts, and the comparison's decode
// energy-per-token row (lower is better) — in English and French, without horizontal overflow at 800 and 480 px,
// with no serious or critical axe-core violation, light and dark. Debian's /usr/bin/chromium driven by
// playwright-core, as the other browser tests. Run by `make test` (browser_energy in tests/CMakeLists.txt), or:
//   CLLM_BIN=build/computellm node --test tests/browser/energy.test.mjs
// Fixtures (tests/browser/energy_fixture.mjs): `computellm run` (2 timed runs) and `computellm sweep` (depth 0,16 ×
// threads 1,2) of a tiny synthetic model by the real binary, each written twice into the results folder: with every
// energy window measured (numbers written by the fixture: no sensor here) and with none (the reason this VM writes).
// Needs libllama under .deps/llama/ (skipped without: no LLM phase, no energy).
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {SRC, BIN, ARTIFACTS, CHROMIUM, MODS, chromium, llamaDir, TINY_MODELS} from './lib.mjs';
import {NO_SENSOR, measured, unmeasured} from './energy_fixture.mjs';

const AXE = fs.readFileSync(path.join(MODS, 'axe-core', 'axe.min.js'), 'utf8');
const skip = llamaDir ? false : 'no libllama under .deps/llama (run scripts/setup): no LLM phase, no energy';

const CONFIG = {inference: {max_tokens: 24}, runs: {count: 2, warmup_max_tokens: 4, cleanup_pause_s: 0},
  monitor: {interval_s: 0.1}};
const FILES = {run_on: 'benchmark_energy_measured.json', run_off: 'benchmark_energy_none.json',
  sweep_on: 'benchmark_sweep_energy_measured.json', sweep_off: 'benchmark_sweep_energy_none.json'};

let tmp, server, browser, context, page, base, token;
const fixture = {};
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
  return m[1];
}

before(async () => {
  if (skip) return;
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cllm_gui_energy.'));
  const results = path.join(tmp, 'results'), models = path.join(tmp, 'models'), made = path.join(tmp, 'made');
  for (const d of [results, models, made]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(tmp, 'models.json'), JSON.stringify(TINY_MODELS));
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(CONFIG));
  const common = ['--models-dir', models, '--output', made, '--no-download', '--llama-lib', llamaDir];
  const run = cli(['run', '-m', 'tiny-test', '--skip-classic', '-c', path.join(tmp, 'config.json'), ...common],
    'computellm run');
  const sweep = cli(['sweep', '-m', 'tiny-test', '--models-file', path.join(tmp, 'models.json'), ...common,
    '-p', '32', '-n', '8', '-d', '0,16', '-t', '1,2', '-r', '2', '-o', 'none'], 'computellm sweep');
  const read = f => JSON.parse(fs.readFileSync(f, 'utf8'));
  const write = (key, res, id) => {
    res.id = id;
    fixture[key] = res;
    fs.writeFileSync(path.join(results, FILES[key]), JSON.stringify(res, null, 1));
  };
  write('run_on', measured(read(run)), '20990101_000001');
  write('run_off', unmeasured(read(run)), '20990101_000002');
  write('sweep_on', measured(read(sweep)), '20990101_000003');
  write('sweep_off', unmeasured(read(sweep)), '20990101_000004');

  server = spawn(BIN, ['gui', '--no-browser', '--port', '0', '--output', results, '--models-dir', models,
    '--llama-lib', llamaDir], {detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, COMPUTELLM_MODELS_FILE: path.join(tmp, 'models.json')}});
  server.stderr.pipe(fs.createWriteStream(path.join(ARTIFACTS, 'energy-server.log')));
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
  browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run']});
  context = await browser.newContext({locale: 'en-US', viewport: {width: 1400, height: 900}});
  context.setDefaultTimeout(30000);
  page = await context.newPage();
  page.on('pageerror', e => pageErrors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`); });
  await page.goto(loginUrl);
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

async function openResult(name) {
  await page.goto(`${base}/#results`);
  const link = page.locator(`#results-list a[title="${name}"]`);
  await link.waitFor();
  await link.click();
  // the detail of the file opened before may still be there: wait for this one's
  await page.locator('#detail h2', {hasText: name}).waitFor();
  await page.waitForFunction(() => {
    const cs = [...document.querySelectorAll('#detail canvas')];
    return cs.length > 0 && cs.every(c => window.Chart.getChart(c));
  });
}

// The GUI's number formats (web/js/energy.js): J/token 4 decimals below 1 J, 2 above; watts and tokens/J 1.
const fmt = (lang, d) => new Intl.NumberFormat(lang, {minimumFractionDigits: d, maximumFractionDigits: d});
const jpt = (v, lang = 'en') => fmt(lang, Math.abs(v) < 1 ? 4 : 2).format(v);
const one = (v, lang = 'en') => fmt(lang, 1).format(v);
const cells = tr => page.$$eval(tr, rows => rows.map(r => [...r.cells].map(c => c.textContent.trim())));
const model = res => res.ai_benchmarks.results['tiny-test'];
const near = v => Number(v.toPrecision(14));

test('results detail: decode and prompt J/token, mean watts, tokens/J and the source are the file\'s numbers; the models table, the runs and the chart too', {skip}, async () => {
  const m = model(fixture.run_on), s = m.summary;
  assert.ok(s.avg_decode_joules_per_token > 0 && s.energy_runs === 2, JSON.stringify(s));
  await openResult(FILES.run_on);
  const [row] = await cells('#energy-table tbody tr[data-model="tiny-test"]');
  assert.deepEqual(row, ['Tiny test model (tiny-test)', jpt(s.avg_decode_joules_per_token), jpt(s.avg_prompt_joules_per_token),
    one(s.avg_decode_watts), one(s.avg_prompt_watts), one(s.avg_decode_tokens_per_joule),
    'NVML energy counter + RAPL (CPU package)mean of 2 runs']);
  assert.equal(await page.getAttribute('#energy-table td.energy-source', 'title'), 'measured: gpu+cpu_package');
  assert.equal(await page.locator('#energy .energy-why').count(), 0, 'no "not measured" note for a measured file');
  // the models table's J/token column
  const head = await page.$$eval('#ai-models thead th', ths => ths.map(th => th.textContent));
  const col = head.indexOf('decode J/token');
  assert.ok(col > 0, head.join(' | '));
  const [mrow] = await cells('#ai-models tbody tr[data-model="tiny-test"]');
  assert.equal(mrow[col], jpt(s.avg_decode_joules_per_token));
  // each timed run: its decode and prompt windows' J/token and watts
  await page.click('#runs summary');
  const runs = await cells('#runs table.runs-table[data-model="tiny-test"] tbody tr');
  const rhead = await page.$$eval('#runs table.runs-table thead th', ths => ths.map(th => th.textContent));
  assert.equal(runs.length, m.runs.length);
  m.runs.forEach((r, i) => {
    assert.equal(runs[i][0], String(r.run));
    assert.equal(runs[i][rhead.indexOf('decode J/token')], jpt(r.decode_energy.joules_per_token));
    assert.equal(runs[i][rhead.indexOf('decode W')], one(r.decode_energy.watts));
    assert.equal(runs[i][rhead.indexOf('prompt J/token')], jpt(r.prompt_energy.joules_per_token));
    assert.equal(runs[i][rhead.indexOf('prompt W')], one(r.prompt_energy.watts));
    assert.equal(runs[i][rhead.indexOf('tokens')], String(r.generated_tokens));
  });
  // the chart: decode and prompt J/token per model
  // (the file's numbers as the server's JSON prints them: equal to 15 significant digits)
  const data = await page.$eval('#detail canvas[data-chart="energy"]', c => window.Chart.getChart(c).data.datasets.map(d => d.data));
  assert.deepEqual(data.map(d => d.map(near)), [[s.avg_decode_joules_per_token], [s.avg_prompt_joules_per_token]].map(d => d.map(near)));
  // French: the same numbers in its format
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Énergie par token/.test(document.querySelector('#energy h3')?.textContent || ''));
    const [fr] = await cells('#energy-table tbody tr[data-model="tiny-test"]');
    assert.equal(fr[1], jpt(s.avg_decode_joules_per_token, 'fr'));
    assert.equal(fr[3], one(s.avg_decode_watts, 'fr'));
    assert.match(fr[6], /^compteur d’énergie NVML \+ RAPL \(package CPU\)moyenne de 2 passes$/);
  } finally {
    await setLang('en');
  }
});

test('results detail without a sensor: no number, the file\'s reason in a muted note (EN and FR)', {skip}, async () => {
  const s = model(fixture.run_off).summary;
  const why = s.null_reasons.avg_decode_joules_per_token;
  assert.equal(why, NO_SENSOR);
  await openResult(FILES.run_off);
  const note = page.locator('#energy-table tr[data-model="tiny-test"][data-measured="no"] td.energy-why');
  assert.equal(await note.textContent(), `Energy not measured: ${why}`);
  assert.match(await note.getAttribute('class'), /\bmuted\b/);
  // the models table: a dash with the reason as its tooltip; no energy chart
  const td = page.locator('#ai-models tr[data-model="tiny-test"] td.c-jpt');
  assert.equal(await td.textContent(), '—');
  assert.equal(await td.getAttribute('title'), why);
  assert.equal(await page.locator('#detail canvas[data-chart="energy"]').count(), 0);
  // the runs: dashes, the reason once under the table
  await page.click('#runs summary');
  const runs = await cells('#runs table.runs-table tbody tr');
  assert.ok(runs.every(r => r.slice(-4).every(c => c === '—')), JSON.stringify(runs));
  assert.equal(await page.textContent('#runs p.energy-why'), `Energy not measured: ${why}`);
  await setLang('fr');
  try {
    await page.waitForFunction(() => /Énergie non mesurée/.test(document.querySelector('#energy .energy-why')?.textContent || ''));
    assert.equal(await page.textContent('#energy .energy-why'),
      'Énergie non mesurée : aucune mesure d’énergie : package CPU : RAPL not readable: /sys/class/powercap: No such ' +
      'file or directory ; GPU : no GPU');
  } finally {
    await setLang('en');
  }
});

test('sweep: a J/token column and J/token charts with the tests\' numbers; without a sensor the reason instead', {skip}, async () => {
  const tests = fixture.sweep_on.ai_benchmarks.sweep.tests;
  const v = await api(`/api/results/${FILES.sweep_on}/view`);
  await openResult(FILES.sweep_on);
  const head = await page.$$eval('#sweep-table thead th', ths => ths.map(th => th.textContent));
  const col = head.indexOf('J/token');
  assert.equal(col, head.indexOf('t/s') + 1, head.join(' | '));
  const rows = await cells('#sweep-table tbody tr');
  assert.equal(rows.length, tests.length);
  tests.forEach((x, i) => assert.equal(rows[i][col], jpt(x.joules_per_token), `test ${i}`));
  assert.equal(await page.getAttribute('#sweep-table tbody tr td.c-jpt', 'title'), 'NVML energy counter + RAPL (CPU package)');
  assert.deepEqual(await page.$$eval('#sweep-charts canvas', cs => cs.map(c => c.dataset.chart).sort()),
    ['sweep-depth', 'sweep-depth-jpt', 'sweep-threads', 'sweep-threads-jpt']);
  const depth = await page.$eval('#sweep-charts canvas[data-chart="sweep-depth-jpt"]', c => {
    const ch = window.Chart.getChart(c);
    return {labels: ch.data.labels, sets: ch.data.datasets.map(d => ({label: d.label, data: d.data}))};
  });
  assert.deepEqual(depth.labels, ['0', '16']);
  const tg = depth.sets.find(s => s.label === 'tg8 t=2');
  assert.ok(tg, depth.sets.map(s => s.label).join(' | '));
  const want = d => tests.find(x => x.n_prompt === 0 && x.n_gen === 8 && x.n_threads === 2 && x.n_depth === d).joules_per_token;
  assert.deepEqual(tg.data.map(near), [want(0), want(16)].map(near));
  assert.ok(v.sweep.tests.every(x => x.energy && x.energy.jpt > 0));

  const off = fixture.sweep_off.ai_benchmarks.sweep.tests;
  await openResult(FILES.sweep_off);
  assert.ok(!(await page.$$eval('#sweep-table thead th', ths => ths.map(th => th.textContent))).includes('J/token'));
  assert.equal(await page.textContent('#sweep-energy-why'), `J/token not measured: ${off[0].null_reasons.joules_per_token}`);
  assert.deepEqual(await page.$$eval('#sweep-charts canvas', cs => cs.map(c => c.dataset.chart).sort()),
    ['sweep-depth', 'sweep-threads']);
});

test('comparison: decode J/token is a metric, lower is better, with the file\'s value', {skip}, async () => {
  await page.goto(`${base}/#results`);
  await page.waitForSelector('#results-list');
  for (const n of [FILES.run_on, FILES.run_off])
    await page.locator(`#results-list tr:has(a[title="${n}"]) input[type=checkbox]`).check();
  await page.click('#compare');
  await page.waitForSelector('#ratio-table');
  const cmp = await api('/api/compare', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({files: [FILES.run_on, FILES.run_off], baseline: 0})});
  const r = cmp.rows.find(x => x.family === 'ai_decode_joules_per_token');
  assert.ok(r && r.better === 'lower', JSON.stringify(cmp.rows.map(x => x.family)));
  const s = model(fixture.run_on).summary;
  assert.equal(near(r.values[0]), near(s.avg_decode_joules_per_token));
  assert.equal(r.values[1], null);
  const title = await page.textContent('#comparison .chart-card:has(canvas[data-chart="cmp-ai_decode_joules_per_token"]) h3');
  assert.equal(title, 'LLM decode energy per token (J/token, lower)');
  const data = await page.$eval('#comparison canvas[data-chart="cmp-ai_decode_joules_per_token"]',
    c => window.Chart.getChart(c).data.datasets.map(d => d.data));
  assert.deepEqual(data, [[r.values[0]], [null]]);
  const row = (await cells('#ratio-table tr')).find(x => x[0].startsWith('LLM decode energy per token'));
  assert.ok(row, 'a ratio-table row for decode J/token');
  assert.equal(row[2], 'lower');
  await setLang('fr');
  try {
    await page.waitForFunction(() => [...document.querySelectorAll('#comparison h3')].some(x => /Énergie de décodage LLM par token/.test(x.textContent)));
  } finally {
    await setLang('en');
  }
});

test('the energy pages fit the window at 800 and 480 px and pass axe-core (no serious or critical), light and dark', {skip}, async () => {
  // overflow does not depend on the theme: 800 and 480 px in light; axe at 1400 px in light and dark
  for (const [scheme, w] of [['light', 800], ['light', 480], ['light', 1400], ['dark', 1400]]) {
      await page.emulateMedia({colorScheme: scheme});
      await page.setViewportSize({width: w, height: 900});
      for (const f of Object.values(FILES)) {
        await openResult(f);
        if (await page.locator('#runs summary').count()) await page.click('#runs summary');
        const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (over > 0) await page.screenshot({path: path.join(ARTIFACTS, `energy-overflow-${f}-${w}-${scheme}.png`), fullPage: true});
        assert.ok(over <= 0, `${f} at ${w}px (${scheme}): ${over}px wider than the window`);
        if (w !== 1400) continue;
        await page.evaluate(AXE);
        const res = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
        const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
        assert.deepEqual(bad.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`), [],
          `${f} (${scheme})`);
      }
    }
  await page.emulateMedia({colorScheme: 'light'});
  await page.setViewportSize({width: 1400, height: 900});
});

test('no errors in the page', {skip}, () => {
  assert.deepEqual(pageErrors, []);
});
