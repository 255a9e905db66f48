// The run page (Benchmark) in a real browser: Debian's /usr/bin/chromium driven by playwright-core, as
// tests/browser/gui.test.mjs. Run by `make test` through CTest (browser_gui_run), or by hand:
//   CLLM_BIN=build/computellm node --test tests/browser/run.test.mjs
// It starts `computellm gui --no-browser --port P --token T` (a fixed port and token, so that the test can stop
// the server and start it again, and the page's cookie still works) on a temporary results/models folder with a
// tiny synthetic model, and checks what the issue saw wrong:
// - the bar is the server's plan: sampled every 100 ms it never goes back, stays below 100 % until the run is done
//   and reaches 100 % then; the model file being ready does not fill it; a classic-only run goes past 50 %;
//   role=progressbar with aria-valuenow/min/max; elapsed and remaining time shown; the API's events say the same;
// - the event log is a live region (role=log), follows the newest line and folds repeated lines ("×N");
// - the form sends runs / max tokens / prompt, is locked during a run, and shows the settings of a run started
//   elsewhere (through the API) — also after a reload, where the bar goes on from where it was;
// - Cancel: "Cancelling…" with the button disabled, then "cancelled" with the bar where it stopped (not full);
// - after a run: headline cards with the server view's numbers, "all runs OK, CV N %", the busy-machine warning
//   when the view has one, and a link that opens that result;
// - no model ticked: the page says which model runs; errors are shown at their field and stay until fixed;
// - the server stopped (SIGSTOP) mid-run: "Lost contact with computellm" once, retries with growing delays, Start
//   disabled; after SIGCONT the page recovers and the run finishes; the server killed and started again: the page
//   recovers and says the run did not finish.
// Screenshots of the page at 1400, 800 and 480 px go to CLLM_ARTIFACTS (default build/test-artifacts) as run-*.png.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {SRC, BIN, ARTIFACTS, CHROMIUM, chromium, llamaDir, TINY_MODELS} from './lib.mjs';

// axe-core (deps/test.lock) for the run page's states that pages.test.mjs does not reach: a run going on, a run done
const AXE_JS = path.join(SRC, '.deps', 'node', 'node_modules', 'axe-core', 'axe.min.js');
const AXE = fs.existsSync(AXE_JS) ? fs.readFileSync(AXE_JS, 'utf8') : null;
// small classic phases; the LLM settings are the form's
const SMALL_CLASSIC = {cpu_matrix_sizes: [256], gemm_iterations: 1, memory_array_mb: 16, memory_repeats: 5};
// a classic plan that takes some seconds per phase: long enough to reload and cancel in
const LONGER_CLASSIC = {cpu_matrix_sizes: [512, 1024], gemm_iterations: 2, memory_array_mb: 64, memory_repeats: 5};

const TOKEN = 'run-page-test-token';
let tmp, server, port, browser, context, page, base;
let classicConfig = SMALL_CLASSIC;
let lastRunBody = null;
const pageErrors = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

async function startServer() {
  const args = ['gui', '--no-browser', '--port', String(port), '--token', TOKEN, '--output', path.join(tmp, 'results'),
                '--models-dir', path.join(tmp, 'models')];
  if (llamaDir) args.push('--llama-lib', llamaDir);
  server = spawn(BIN, args, {detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, COMPUTELLM_MODELS_FILE: path.join(tmp, 'models.json')}});
  server.stderr.pipe(fs.createWriteStream(path.join(ARTIFACTS, 'run-server.log'), {flags: 'a'}));
  await new Promise((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`no URL from computellm gui within 20 s: ${out}`)), 20000);
    server.stdout.on('data', d => {
      out += d;
      if (/^http:\/\/\S+\s*$/m.test(out)) { clearTimeout(t); resolve(); }
    });
    server.once('exit', code => { clearTimeout(t); reject(new Error(`computellm gui exited (${code}): ${out}`)); });
  });
}

function stopServer(signal = 'SIGINT') {
  const s = server;
  if (!s || s.exitCode !== null || s.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    const t = setTimeout(() => { try { process.kill(-s.pid, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
    s.once('exit', () => { clearTimeout(t); resolve(); });
    try { process.kill(-s.pid, signal); } catch { clearTimeout(t); resolve(); }
  });
}
process.on('exit', () => { try { if (server && server.exitCode === null) process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } });

async function api(p, init = {}) {
  const r = await fetch(base + p, {...init, headers: {...(init.headers || {}), 'X-ComputeLLM-Token': TOKEN,
    ...(init.body ? {'Content-Type': 'application/json'} : {})}});
  const text = await r.text();
  assert.ok(r.ok, `${p}: HTTP ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const shot = name => page.screenshot({path: path.join(ARTIFACTS, `run-${name}.png`), fullPage: true});

before(async () => {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  fs.rmSync(path.join(ARTIFACTS, 'run-server.log'), {force: true});
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cllm_gui_run.'));
  fs.mkdirSync(path.join(tmp, 'results'));
  fs.mkdirSync(path.join(tmp, 'models'));
  fs.writeFileSync(path.join(tmp, 'models.json'), JSON.stringify(TINY_MODELS));
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  await startServer();
  browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run']});
  context = await browser.newContext({locale: 'en-US', viewport: {width: 1400, height: 900}});
  context.setDefaultTimeout(30000);
  page = await context.newPage();
  await page.goto(`${base}/?token=${TOKEN}`);
  assert.equal(page.url(), `${base}/`);
  page.on('pageerror', e => pageErrors.push(String(e)));
  // the page sends the options a user picks; the test adds small classic phases and no download
  await page.route('**/api/runs', async route => {
    const req = route.request();
    if (req.method() !== 'POST') return route.continue();
    const body = JSON.parse(req.postData() || '{}');
    lastRunBody = JSON.parse(JSON.stringify(body));
    body.download = false;
    body.config = {...(body.config || {}), classic: classicConfig, runs: {warmup_max_tokens: 4},
                   monitor: {interval_s: 0.2}};
    await route.continue({postData: JSON.stringify(body)});
  });
});

after(async () => {
  try { if (browser) await browser.close(); } finally {
    await stopServer();
    if (tmp && !process.env.CLLM_KEEP_TMP) fs.rmSync(tmp, {recursive: true, force: true});
  }
});

async function openPage() {
  await page.goto(`${base}/#benchmark`);
  await page.waitForSelector('#page-benchmark #start');
  await page.waitForSelector('#models input[value="tiny-test"]');
}

// Sets the form and clicks Start (the form may still hold the last run's settings).
async function startRun({classic, ai, models = ['tiny-test'], runs, maxTokens, prompt}) {
  await openPage();
  await page.waitForSelector('#start:not([disabled])');
  await page.locator('#engine-in-process').check();
  await page.locator('#ph-classic').setChecked(classic);
  await page.locator('#ph-ai').setChecked(ai);
  for (const box of await page.locator('#models input[name=model]').all())
    await box.setChecked(models.includes(await box.getAttribute('value')));
  if (runs !== undefined) await page.fill('#opt-runs', String(runs));
  if (maxTokens !== undefined) await page.fill('#opt-max-tokens', String(maxTokens));
  if (prompt !== undefined) await page.fill('#opt-prompt', prompt);
  lastRunBody = null;
  await page.click('#start');
  // "No run in progress." (the idle text, which may arrive after the click) must not count as started
  try {
    await page.waitForFunction(() => /Run \S+ in progress/.test(document.querySelector('#run-status')?.textContent || ''),
      null, {timeout: 30000});
  } catch (e) {
    throw new Error(`the run did not start within 30 s: the status says "${await page.textContent('#run-status')}"`);
  }
  return (await page.textContent('#run-status')).match(/Run (\S+) in progress/)[1];
}

// Samples the bar every 100 ms until the run ends: [{pct, now, min, max, width, status, times, log}].
async function sampleUntilDone(timeoutMs = 180000) {
  const samples = [];
  const t0 = Date.now();
  for (;;) {
    const s = await page.evaluate(() => {
      const p = document.querySelector('#run-progress');
      return {pct: Number(p.getAttribute('aria-valuenow')), min: p.getAttribute('aria-valuemin'),
        max: p.getAttribute('aria-valuemax'), role: p.getAttribute('role'),
        width: parseFloat(document.querySelector('#run-bar').style.width),
        status: document.querySelector('#run-status').textContent,
        times: document.querySelector('#run-times').textContent,
        log: document.querySelector('#run-events').textContent};
    });
    samples.push(s);
    if (/Run finished/.test(s.status)) return samples;
    assert.ok(Date.now() - t0 < timeoutMs, `the run did not finish within ${timeoutMs} ms: ${s.status}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

function assertMonotone(samples, what) {
  const pcts = samples.map(s => s.pct);
  pcts.forEach((p, i) => {
    assert.ok(p >= 0 && p <= 100, `${what}: ${p} out of 0..100`);
    if (i > 0) assert.ok(p >= pcts[i - 1], `${what}: the bar went back from ${pcts[i - 1]} to ${p} (${pcts.join(' ')})`);
  });
  for (const s of samples) assert.equal(s.width, s.pct, `${what}: the bar's width is its aria-valuenow`);
}

let doneRun = null;   // {id, file} of the first complete run


// No serious or critical axe-core violation on the page as it is now, light and dark (skipped without axe-core).
async function axeClean(what) {
  if (!AXE) return;
  try {
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({colorScheme: scheme});
      if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(AXE);
      const res = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
      const bad = res.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad.map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`), [],
        `${what} (${scheme})`);
    }
  } finally {
    await page.emulateMedia({colorScheme: 'light'});
  }
}

test('progress follows the plan: monotone, below 100 % until done, 100 % at the end; times; API events agree', async () => {
  const id = await startRun({classic: true, ai: !!llamaDir, runs: 2, maxTokens: 16, prompt: 'Say hello in one word.'});
  if (llamaDir) {
    // the form's run settings go into the request: runs, and max tokens / prompt as config overrides
    assert.equal(lastRunBody.runs, 2);
    assert.deepEqual(lastRunBody.config, {inference: {max_tokens: 16}, prompt: 'Say hello in one word.'});
  }
  // locked while it runs
  assert.equal(await page.isDisabled('#opt-runs'), true);
  assert.equal(await page.isDisabled('#ph-classic'), true);
  assert.equal(await page.isDisabled('#start'), true);
  await shot('progress-1400');
  const samples = await sampleUntilDone();
  const before = samples.slice(0, -1), last = samples.at(-1);
  assertMonotone(samples, 'run page');
  assert.equal(last.role, 'progressbar');
  assert.deepEqual([last.min, last.max], ['0', '100']);
  assert.ok(before.every(s => s.pct < 100), `100 % before the end: ${before.map(s => s.pct).join(' ')}`);
  assert.match(last.status, /Run finished: complete/);
  assert.equal(last.pct, 100);
  // it moves: many distinct widths, not a jump from 0 to 100
  assert.ok(new Set(before.map(s => s.pct)).size >= 5, `few steps: ${[...new Set(before.map(s => s.pct))].join(' ')}`);
  assert.ok(before.some(s => /elapsed \d+:\d\d · about \d+:\d\d left/.test(s.times)), before.map(s => s.times).join('|'));
  assert.match(last.times, /^elapsed \d+:\d\d$/);
  if (llamaDir) {
    // the model file ready (its load) is not the end: the bar has the warmup, runs, ladder and file still to go
    const loaded = before.find(s => /loaded in/.test(s.log));
    assert.ok(loaded, 'the log says the model loaded');
    assert.ok(loaded.pct < 95, `bar at ${loaded.pct} % when the model had just loaded`);
  }
  // the server's side: every event's progress_pct never goes back, below 100 until "done"; the plan in the run
  const run = await api(`/api/runs/${id}`);
  const pcts = run.events.filter(e => e.data?.progress_pct != null).map(e => e.data.progress_pct);
  pcts.slice(1).forEach((p, i) => assert.ok(p >= pcts[i], `events went back: ${pcts.join(' ')}`));
  assert.ok(pcts.slice(0, -1).every(p => p < 100));
  assert.equal(run.events.at(-1).type, 'done');
  assert.equal(run.events.at(-1).data.progress_pct, 100);
  assert.equal(run.state.status, 'complete');
  assert.equal(run.state.steps_done, run.state.steps_total);
  assert.equal(run.state.steps_total, run.plan.length);
  assert.ok(run.plan.every(s => s.weight_s > 0));
  if (llamaDir) assert.deepEqual(run.plan.filter(s => s.kind === 'run').map(s => s.label),
    ['tiny-test: run 1/2', 'tiny-test: run 2/2']);
  assert.deepEqual([run.settings.runs, run.settings.max_tokens, run.settings.prompt],
    [2, 16, 'Say hello in one word.']);
  // the live monitor: the series named as on the results page, memory in GiB on the right, CPU % on 0-100
  const mon = await page.$eval('#monitor-box canvas', c => {
    const ch = window.Chart.getChart(c);
    return {labels: ch.data.datasets.map(d => d.label), n: ch.data.datasets[0].data.length,
            yMax: ch.options.scales.y.max, y1: ch.options.scales.y1?.title?.text};
  });
  assert.deepEqual(mon.labels.slice(0, 2), ['CPU, whole machine (%)', 'RAM used (GiB)']);
  assert.ok(mon.n > 0, 'the live monitor drew no sample');
  assert.equal(mon.yMax, 100);
  assert.equal(mon.y1, 'GiB');
  doneRun = {id, file: run.results_file};
  await shot('done-1400');
});

test('event log: a live region that follows the newest line and folds repeated lines', {skip: !llamaDir && 'no libllama'},
  async () => {
    assert.ok(doneRun, 'needs the run of the test before');
    const ul = page.locator('#run-events');
    assert.equal(await ul.getAttribute('role'), 'log');
    assert.equal(await ul.getAttribute('aria-live'), 'polite');
    // the fresh tiny model was synthesized: the writer's stages came as repeated lines one after another
    // ("writing random quantized blocks" at each progress step); the log shows each run of them once with ×N
    const run = await api(`/api/runs/${doneRun.id}`);
    const texts = run.events.filter(e => e.type === 'ai' && e.data.event === 'synth').map(e => e.data.text);
    const runs = [];
    for (const x of texts) {
      if (runs.length && runs[runs.length - 1].text === x) runs[runs.length - 1].n++;
      else runs.push({text: x, n: 1});
    }
    const rep = runs.find(r => r.n >= 2);
    assert.ok(rep, `the synthetic model's stages: ${texts.join(' | ')}`);
    const lines = await ul.locator('li').allTextContents();
    assert.ok(lines.includes(`tiny-test: ${rep.text} ×${rep.n}`), lines.join('\n'));
    lines.slice(1).forEach((l, i) => assert.notEqual(l, lines[i], `two equal lines in a row: ${l}`));
    // it scrolled to the newest line
    const pos = await ul.evaluate(el => ({top: el.scrollTop, h: el.scrollHeight, c: el.clientHeight}));
    assert.ok(pos.h > pos.c, `the log overflows its box (${pos.h} > ${pos.c})`);
    assert.ok(pos.h - pos.top - pos.c < 2, JSON.stringify(pos));
  });

test('after a run: headline cards from the server view, runs OK with the CV, a link to that result', async () => {
  assert.ok(doneRun, 'needs the run of the test before');
  const view = await api(`/api/results/${encodeURIComponent(doneRun.file)}/view`);
  await page.waitForSelector('#run-summary .headline');
  const cards = Object.fromEntries(await page.$$eval('#run-summary .headline', els => els.map(e =>
    [e.dataset.card, {value: e.querySelector('.headline-value').textContent,
      sub: e.querySelector('.headline-sub')?.textContent || ''}])));
  const one = v => new Intl.NumberFormat('en', {minimumFractionDigits: 1, maximumFractionDigits: 1}).format(v);
  const gf = view.classic.charts.find(c => c.id === 'gflops');
  const multi = Math.max(...gf.series.find(s => s.key === 'multi').values.filter(v => v != null));
  assert.equal(cards.gflops.value, one(multi));
  const bw = view.classic.charts.find(c => c.id === 'bandwidth');
  assert.equal(cards.bandwidth.value, `${one(bw.series.find(s => s.key === 'multi').values[bw.labels.indexOf('read')])} GB/s`);
  if (llamaDir) {
    const m = view.ai.models.find(x => x.key === 'tiny-test');
    const tps = m.metrics.find(x => x.key === 'tps'), ttft = m.metrics.find(x => x.key === 'ttft');
    assert.equal(cards['tps-tiny-test'].value, `${one(tps.value)} ± ${one(tps.sd)}`);
    assert.equal(cards['ttft-tiny-test'].value, `${one(ttft.value * 1000)} ms`);
    // "stable" says every run succeeded: shown as such, with the runs' variation, never as "stable"
    assert.ok(cards['tps-tiny-test'].sub.includes(`all runs OK, CV ${one(m.cv_pct)} %`), cards['tps-tiny-test'].sub);
    assert.ok(!/stable/i.test(await page.textContent('#run-card')), 'the run card says "stable"');
    assert.ok(cards['ladder-tiny-test'], 'the ladder card');
  }
  // the busy-machine warning exactly when the view has noise notes
  assert.equal(await page.locator('#run-summary .noisy-run').count(), view.noise.length ? 1 : 0);
  await axeClean('the run page after a run (headline cards)');
  // the link opens that result, not the list
  const href = await page.getAttribute('#open-result', 'href');
  assert.equal(href, `#results/${encodeURIComponent(doneRun.file)}`);
  await page.click('#open-result');
  await page.locator('#detail h2', {hasText: doneRun.file}).waitFor();
});

test('a classic-only run goes past 50 % and reaches 100 % only at its end', async () => {
  classicConfig = SMALL_CLASSIC;
  await startRun({classic: true, ai: false});
  const samples = await sampleUntilDone();
  assertMonotone(samples, 'classic only');
  const before = samples.slice(0, -1);
  assert.ok(Math.max(...before.map(s => s.pct)) > 50, `never past 50: ${before.map(s => s.pct).join(' ')}`);
  assert.ok(before.every(s => s.pct < 100));
  assert.equal(samples.at(-1).pct, 100);
});

test('a run started elsewhere: the form shows its settings, locked; a reload keeps the bar; Cancel', async () => {
  const body = {skip_classic: false, skip_ai: !llamaDir, download: false, runs: 4,
    config: {classic: LONGER_CLASSIC, inference: {max_tokens: 20}, prompt: 'Count to five.', monitor: {interval_s: 0.2}}};
  if (llamaDir) body.models = ['tiny-test'];
  const {id} = await api('/api/runs', {method: 'POST', body: JSON.stringify(body)});
  await openPage();
  await page.waitForFunction(i => document.querySelector('#run-status').textContent.includes(`Run ${i} in progress`), id);
  await page.waitForFunction(() => document.querySelector('#opt-runs').value === '4');
  assert.equal(await page.inputValue('#opt-max-tokens'), '20');
  assert.equal(await page.inputValue('#opt-prompt'), 'Count to five.');
  assert.equal(await page.isChecked('#models input[value="tiny-test"]'), !!llamaDir);
  assert.equal(await page.isChecked('#ph-ai'), !!llamaDir);
  for (const sel of ['#opt-runs', '#opt-prompt', '#ph-classic', '#models input[value="tiny-test"]', '#engine-auto'])
    assert.equal(await page.isDisabled(sel), true, `${sel} is locked`);
  assert.equal(await page.isDisabled('#start'), true);
  // a reload (the state is the server's): the same run, the bar not behind where it was
  await page.waitForFunction(() => Number(document.querySelector('#run-progress').getAttribute('aria-valuenow')) >= 10);
  const pctBefore = Number(await page.getAttribute('#run-progress', 'aria-valuenow'));
  await page.reload();
  await page.waitForFunction(i => document.querySelector('#run-status')?.textContent.includes(`Run ${i} in progress`), id);
  await page.waitForFunction(() => document.querySelector('#opt-runs').value === '4');
  const pctAfter = Number(await page.getAttribute('#run-progress', 'aria-valuenow'));
  assert.ok(pctAfter >= pctBefore && pctAfter < 100, `after the reload ${pctAfter} %, before ${pctBefore} %`);
  assert.equal(await page.isDisabled('#opt-runs'), true);
  try {
    for (const w of [800, 480]) {
      await page.setViewportSize({width: w, height: 900});
      // the charts resize themselves (Chart.js's ResizeObserver, late on a loaded machine): up to 3 s for that
      await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, null,
        {timeout: 3000}).catch(() => {});
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= w, `the run page is wider than ${w} px`);
      await shot(`progress-${w}`);
    }
  } finally {
    await page.setViewportSize({width: 1400, height: 900});
  }
  await axeClean('the run page during a run');
  // Cancel: at once "Cancelling…" and disabled; then cancelled, the bar where the run stopped
  await page.click('#cancel');
  assert.equal(await page.isDisabled('#cancel'), true);
  assert.equal(await page.textContent('#cancel'), 'Cancelling…');
  await page.waitForFunction(() => /cancelling/.test(document.querySelector('#run-status').textContent)
    || /Run finished/.test(document.querySelector('#run-status').textContent));
  const samples = await sampleUntilDone(90000);
  assertMonotone(samples, 'cancel');
  assert.match(samples.at(-1).status, /Run finished: cancelled/);
  assert.ok(samples.at(-1).pct < 100, `a cancelled run shows ${samples.at(-1).pct} %`);
  assert.match(await page.getAttribute('#run-progress', 'class'), /ended-cancelled/);
  const run = await api(`/api/runs/${id}`);
  assert.ok(run.events.some(e => e.type === 'state' && e.data.state.status === 'cancelling'), 'a "cancelling" event');
  assert.equal(run.state.status, 'cancelled');
  assert.ok(run.state.pct < 100);
  assert.ok(run.events.at(-1).data.progress_pct < 100);
  await shot('cancelled-1400');
  // the form is free again
  assert.equal(await page.isDisabled('#opt-runs'), !llamaDir);
  assert.equal(await page.isDisabled('#start'), false);
});

test('no model ticked: the page says which model Start runs', async () => {
  await openPage();
  await page.locator('#ph-ai').setChecked(true);
  for (const box of await page.locator('#models input[name=model]').all()) await box.setChecked(false);
  const cfg = await api('/api/config');
  const key = cfg.defaults.models[0];
  const name = cfg.models.find(m => m.key === key).name;
  const note = page.locator('#models-note');
  assert.equal(await note.isVisible(), true);
  assert.equal(await note.textContent(), `No model ticked: Start runs the default, ${name} (${key}).`);
  assert.match(await page.textContent('#plan-summary'), new RegExp(`LLM on ${key.replace('.', '\\.')} \\(default\\)`));
  await page.locator('#models input[value="tiny-test"]').check();
  assert.equal(await note.isVisible(), false);
  assert.match(await page.textContent('#plan-summary'), /LLM on tiny-test,/);
});

test('errors stay at their field until fixed', async () => {
  await openPage();
  await page.waitForSelector('#start:not([disabled])');
  await page.locator('#ph-ai').setChecked(true);
  // the API's refusal, at the field it names
  await page.locator('#engine-auto').check();
  await page.fill('#srv-path', '/nonexistent/llama-server');
  await page.fill('#opt-runs', '3');
  await page.click('#start');
  const pathErr = page.locator('#srv-path-error');
  await pathErr.waitFor({state: 'visible'});
  assert.match(await pathErr.textContent(), /llama_server: '\/nonexistent\/llama-server' is not allowed/);
  assert.equal(await page.getAttribute('#srv-path', 'aria-invalid'), '');
  // the page's own check, before any request
  await page.fill('#opt-runs', '0');
  lastRunBody = null;
  await page.click('#start');
  const runsErr = page.locator('#opt-runs-error');
  await runsErr.waitFor({state: 'visible'});
  assert.equal(await runsErr.textContent(), 'Give a whole number from 1 to 100.');
  assert.equal(lastRunBody, null, 'no request with a bad field');
  // no toast that vanishes: both are still there seconds later
  await page.waitForTimeout(6500);
  assert.equal(await pathErr.isVisible(), true);
  assert.equal(await runsErr.isVisible(), true);
  await shot('errors-1400');
  await page.setViewportSize({width: 480, height: 900});
  try {
    await page.waitForTimeout(500);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth) <= 480, 'the errors widen the page');
    await shot('errors-480');
  } finally {
    await page.setViewportSize({width: 1400, height: 900});
  }
  // editing a field clears its own error only
  await page.fill('#opt-runs', '3');
  assert.equal(await runsErr.isVisible(), false);
  assert.equal(await pathErr.isVisible(), true);
  await page.fill('#srv-path', 'llama-server');
  assert.equal(await pathErr.isVisible(), false);
  await page.locator('#engine-in-process').check();
});

// GET /api/runs as the page sends them (heartbeat and retries)
function watchRuns() {
  const seen = [];
  const on = req => { if (new URL(req.url()).pathname === '/api/runs' && req.method() === 'GET') seen.push(Date.now()); };
  page.on('request', on);
  return {seen, stop: () => page.off('request', on)};
}

test('server stopped mid-run: "lost contact" once, retries with backoff, recovers when it answers again', async () => {
  classicConfig = LONGER_CLASSIC;
  const id = await startRun({classic: true, ai: false});
  await page.waitForFunction(() => Number(document.querySelector('#run-progress').getAttribute('aria-valuenow')) >= 5);
  process.kill(-server.pid, 'SIGSTOP');
  let watch;
  try {
    const contact = page.locator('#run-contact');
    await contact.waitFor({state: 'visible', timeout: 15000});
    assert.match(await contact.textContent(), /Lost contact with computellm\. (Retrying in \d+ s\.|Trying again…)/);
    watch = watchRuns();
    await page.waitForTimeout(17000);
    watch.stop();
    // one line in the log, not one per retry; Start and Cancel disabled; still not finished
    const log = await page.locator('#run-events li').allTextContents();
    assert.equal(log.filter(l => /Lost contact/.test(l)).length, 1, log.join('\n'));
    assert.equal(await page.isDisabled('#start'), true);
    assert.equal(await page.isDisabled('#cancel'), true);
    assert.doesNotMatch(await page.textContent('#run-status'), /Run finished/);
    // backoff: few attempts in 17 s, each gap longer than the one before
    const gaps = watch.seen.slice(1).map((t, i) => t - watch.seen[i]);
    assert.ok(watch.seen.length >= 2 && watch.seen.length <= 5, `${watch.seen.length} attempts in 17 s`);
    gaps.slice(1).forEach((g, i) => assert.ok(g > gaps[i], `retry gaps ${gaps.join(', ')} ms`));
    await shot('lost-1400');
  } finally {
    process.kill(-server.pid, 'SIGCONT');
  }
  // the server answers again: the same run is followed to its end
  await page.locator('#run-contact').waitFor({state: 'hidden', timeout: 30000});
  assert.ok((await page.locator('#run-events li').allTextContents()).includes('Contact with computellm restored.'));
  const samples = await sampleUntilDone();
  assertMonotone(samples, 'after SIGCONT');
  assert.match(samples.at(-1).status, /Run finished: complete/);
  assert.equal((await api(`/api/runs/${id}`)).state.status, 'complete');
});

test('server killed and started again: the page recovers and says the run did not finish', async () => {
  classicConfig = LONGER_CLASSIC;
  const id = await startRun({classic: true, ai: false});
  await page.waitForFunction(() => Number(document.querySelector('#run-progress').getAttribute('aria-valuenow')) >= 5);
  const pct = Number(await page.getAttribute('#run-progress', 'aria-valuenow'));
  await stopServer('SIGKILL');
  await page.locator('#run-contact').waitFor({state: 'visible', timeout: 15000});
  assert.equal(await page.isDisabled('#start'), true);
  await startServer();
  // same port and token: the page's cookie is still good; the new server does not know the run
  await page.locator('#run-contact').waitFor({state: 'hidden', timeout: 30000});
  await page.waitForFunction(i => document.querySelector('#run-status').textContent.includes(`Run ${i} did not finish`),
    id);
  assert.equal(await page.isDisabled('#start'), false);
  assert.equal(await page.isDisabled('#opt-runs'), true, 'the LLM fields stay greyed without the LLM phase');
  assert.equal(await page.isDisabled('#ph-ai'), false, 'the form is free again');
  const now = Number(await page.getAttribute('#run-progress', 'aria-valuenow'));
  assert.ok(now >= pct && now < 100, `the bar shows ${now} % for a run that did not finish`);
  assert.match(await page.getAttribute('#run-progress', 'class'), /stale/);
  await shot('gone-1400');
});

test('French: the run page and its states are translated', async () => {
  await openPage();
  await page.click('header .lang button[data-lang="fr"]');
  try {
    await page.waitForFunction(() => document.documentElement.lang === 'fr');
    assert.match(await page.textContent('#run-status'), /ne s’est pas terminé/);
    assert.equal(await page.textContent('label[for="opt-runs"]'), 'Passes chronométrées par modèle');
    await page.waitForFunction(() => {
      const c = document.querySelector('#monitor-box canvas');
      return c && window.Chart.getChart(c)?.data.datasets[0]?.label === 'CPU, toute la machine (%)';
    });
    const mon = await page.$eval('#monitor-box canvas', c => {
      const ch = window.Chart.getChart(c);
      return {labels: ch.data.datasets.map(d => d.label), y1: ch.options.scales.y1?.title?.text};
    });
    assert.deepEqual(mon.labels.slice(0, 2), ['CPU, toute la machine (%)', 'RAM utilisée (Gio)']);
    assert.equal(mon.y1, 'Gio');
    await shot('gone-fr-1400');
  } finally {
    await page.click('header .lang button[data-lang="en"]');
  }
  assert.deepEqual(pageErrors, []);
});
