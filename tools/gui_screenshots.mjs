#!/usr/bin/env node
// Screenshots of every page of the web GUI at 1400, 800 and 480 px, in English and French, light and dark, into a
// folder, to look at (issue 14). Drives Debian's /usr/bin/chromium with playwright-core (both installed by
// scripts/setup, as for the browser tests).
//   node tools/gui_screenshots.mjs [--bin build/computellm] [--out gui-screenshots] [--results DIR]
// Without --results it makes its own in a temporary folder, as the browser tests do: `computellm run` on a tiny
// synthetic model (classic phases only when no libllama is in .deps/llama/), `computellm sweep` (depth 0,16 ×
// threads 1,2), an imported copy with a long CPU name and one unreadable file; the copy and a copy of the sweep get
// energy numbers (tests/browser/energy_fixture.mjs: the build machine has no sensor). Pages: hardware, benchmark,
// results (the list), detail (the run: energy not measured, its reason), energy (the copy's detail, its timed runs
// open), sweep, sweep-energy, serving (a serve-bench SLA search against the tests' schedule server, when
// build/tests/test_serve_bench is there), comparison (run + copy), unreadable (the bad file's error). Files are named
// PAGE-WIDTH-LANG-THEME.png (full page); it prints the folder and the count, and exits 1 on a page error.
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 && args[i + 1] ? args[i + 1] : def; };
if (args.includes('-h') || args.includes('--help')) {
  console.log('usage: node tools/gui_screenshots.mjs [--bin build/computellm] [--out gui-screenshots] [--results DIR]');
  process.exit(0);
}
const BIN = path.resolve(opt('--bin', path.join(SRC, 'build', 'computellm')));
const OUT = path.resolve(opt('--out', 'gui-screenshots'));
const CHROMIUM = process.env.CLLM_CHROMIUM || '/usr/bin/chromium';
const PW = path.join(SRC, '.deps', 'node', 'node_modules', 'playwright-core', 'index.mjs');
for (const [f, what] of [[BIN, 'the computellm binary (--bin; make builds it)'], [CHROMIUM, 'chromium (scripts/setup)'],
                         [PW, 'playwright-core (scripts/setup)']])
  if (!fs.existsSync(f)) { console.error(`gui_screenshots: ${f} not found: ${what}`); process.exit(2); }
const {chromium} = await import(PW);
// the energy fixture of the browser tests: the imported copies get energy numbers (no sensor on the build machine)
const {measured} = await import(path.join(SRC, 'tests', 'browser', 'energy_fixture.mjs'));

const llamaDir = ['cpu', 'vulkan', 'cuda'].map(v => path.join(SRC, '.deps', 'llama', v))
  .find(d => fs.existsSync(d) && fs.readdirSync(d).some(f => /^libllama.*\.so$/.test(f)));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cllm_gui_shots.'));
const models = path.join(tmp, 'models'), modelsFile = path.join(tmp, 'models.json');
let results = opt('--results', null);
const lib = llamaDir ? ['--llama-lib', llamaDir] : [];
fs.mkdirSync(models);
fs.writeFileSync(modelsFile, JSON.stringify({models: {'tiny-test': {
  name: 'Tiny test model', params: '0.02B', repo: 'none/none', default_quant: 'Q4_K_M', min_ram_gb: 0.5,
  chat_template: 'zephyr', arch: {arch: 'llama', n_layer: 2, n_embd: 256, n_ff: 512, n_head: 4, n_head_kv: 2,
  n_vocab: 32000, n_ctx_train: 2048, rope_theta: 10000.0, rms_norm_eps: 1e-5},
  quants: {Q4_K_M: {file: 'tiny-test.Q4_K_M.gguf', size_gb: 0.02, min_ram_gb: 0.5}}}}}));
const env = {...process.env, COMPUTELLM_MODELS_FILE: modelsFile};

function cli(argv) {
  const r = spawnSync(BIN, argv, {encoding: 'utf8', timeout: 300000, env});
  const m = (r.stderr || '').match(/results written to (\S+\.json)/);
  if (!m) { console.error(`gui_screenshots: computellm ${argv[0]} wrote no file:\n${(r.stderr || '').slice(-1500)}`); process.exit(1); }
  return path.basename(m[1]);
}

let runFile = null, sweepFile = null, serveFile = null;
if (!results) {
  results = path.join(tmp, 'results');
  fs.mkdirSync(results);
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify({classic: {cpu_matrix_sizes: [256, 512],
    gemm_iterations: 1, memory_array_mb: 16, memory_repeats: 5}, inference: {max_tokens: 24},
    runs: {warmup_max_tokens: 4}, monitor: {interval_s: 0.1}}));
  const common = ['--models-dir', models, '--output', results, '--no-download', ...lib];
  console.error('gui_screenshots: making the results files (computellm run, sweep)');
  runFile = cli(['run', '-m', 'tiny-test', '-c', path.join(tmp, 'config.json'), ...common, ...(llamaDir ? [] : ['--skip-ai'])]);
  if (llamaDir) sweepFile = cli(['sweep', '-m', 'tiny-test', '--models-file', modelsFile, ...common, '-p', '32', '-n', '8',
    '-d', '0,16', '-t', '1,2', '-r', '2', '-o', 'none']);
  fs.writeFileSync(path.join(results, 'benchmark_unreadable.json'), '{"schema_version": 1, "id": "2026');
  serveFile = await serveBench();
}

// A serve-bench file with an SLA search and the server's /metrics, against the schedule-streaming test server of the
// tests (build/tests/test_serve_bench --serve; its latency rises past 3 streams): null without that binary.
async function serveBench() {
  const bin = path.join(path.dirname(BIN), 'tests', 'test_serve_bench');
  if (!fs.existsSync(bin)) { console.error(`gui_screenshots: no ${bin}: no serving page`); return null; }
  const srv = spawn(bin, ['--serve'], {stdio: ['ignore', 'pipe', 'ignore']});
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`no port from ${bin} within 10 s`)), 10000);
      srv.stdout.on('data', d => { out += d; const m = out.match(/^(\d+)\s*$/m); if (m) { clearTimeout(t); resolve(m[1]); } });
      srv.once('exit', c => { clearTimeout(t); reject(new Error(`${bin} exited (${c})`)); });
    });
    const r = spawnSync(BIN, ['serve-bench', '--server-url', `http://127.0.0.1:${port}/knee=3:300/`, '--find-max',
      'concurrency', '--slo', 'ttft_p99_ms=150', '--probe-requests', '6', '--probe-seconds', '0', '--max-tokens', '4',
      '--output-dir', results], {encoding: 'utf8', timeout: 120000, env});
    const file = (r.stdout || '').trim().split('\n').at(-1);
    if (!file || !fs.existsSync(file)) { console.error(`gui_screenshots: serve-bench wrote no file:\n${(r.stderr || '').slice(-1500)}`); process.exit(1); }
    return path.basename(file);
  } finally {
    srv.kill('SIGTERM');
  }
}

const server = spawn(BIN, ['gui', '--no-browser', '--port', '0', '--output', results, '--models-dir', models, ...lib],
  {detached: true, stdio: ['ignore', 'pipe', 'ignore'], env});
const stop = () => { try { process.kill(-server.pid, 'SIGINT'); } catch { /* gone */ } };
process.on('exit', () => { try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ } fs.rmSync(tmp, {recursive: true, force: true}); });
const login = await new Promise((resolve, reject) => {
  let out = '';
  const t = setTimeout(() => reject(new Error(`no URL from computellm gui: ${out}`)), 20000);
  server.stdout.on('data', d => { out += d; const m = out.match(/^(http:\/\/\S+)\s*$/m); if (m) { clearTimeout(t); resolve(m[1]); } });
  server.once('exit', c => { clearTimeout(t); reject(new Error(`computellm gui exited (${c})`)); });
});
const base = new URL(login).origin, token = new URL(login).searchParams.get('token');
const api = async (p, init = {}) => (await fetch(base + p, {...init, headers: {...(init.headers || {}), 'X-ComputeLLM-Token': token}})).json();

const list = await api('/api/results');
runFile ||= list.find(r => !r.error)?.name;
const good = list.filter(r => !r.error).map(r => r.name);
sweepFile ||= null;
let other = good.find(n => n !== runFile);
if (runFile && !opt('--results', null)) {
  const res = await api(`/api/results/${encodeURIComponent(runFile)}`);
  res.id = '20990101_000000';
  res.hardware.cpu.model = 'Intel(R) Xeon(R) Platinum 8480+ CPU with a long imported machine name @ 2.00GHz';
  other = (await api('/api/results', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(measured(res))})).name;
}
let sweepEnergy = null;
if (sweepFile) {
  const res = await api(`/api/results/${encodeURIComponent(sweepFile)}`);
  res.id = '20990101_000001';
  sweepEnergy = (await api('/api/results', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(measured(res))})).name;
}
const bad = list.find(r => r.error)?.name;

const browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run']});
fs.mkdirSync(OUT, {recursive: true});
const errors = [];
let count = 0;
for (const lang of ['en', 'fr'])
  for (const theme of ['light', 'dark'])
    for (const width of [1400, 800, 480]) {
      const ctx = await browser.newContext({locale: lang === 'fr' ? 'fr-FR' : 'en-US', colorScheme: theme,
        viewport: {width, height: 900}});
      const page = await ctx.newPage();
      page.on('pageerror', e => errors.push(`${lang} ${theme} ${width}: ${e}`));
      await page.goto(login);
      await page.evaluate(l => localStorage.setItem('computellm.lang', l), lang);
      const drawn = async () => page.waitForFunction(() => [...document.querySelectorAll('main canvas')]
        .every(c => window.Chart.getChart(c)), null, {timeout: 15000}).catch(() => {});
      const open = async name => {
        await page.goto(`${base}/#results`);
        await page.waitForSelector('#results-list');
        await page.locator('#results-list a', {hasText: name}).first().click();
        // this file's detail or error, not the one of the file before
        await page.waitForFunction(n => (document.querySelector('#detail h2')?.textContent || '').includes(n)
          || (document.querySelector('#detail-error')?.textContent || '').includes(n), name);
        await page.waitForTimeout(300);
        await drawn();
      };
      const pages = {
        hardware: async () => { await page.goto(`${base}/#hardware`); await page.waitForSelector('#hw-fits, #hw-cpu'); },
        benchmark: async () => { await page.goto(`${base}/#benchmark`); await page.waitForSelector('#page-benchmark button'); await page.waitForTimeout(300); },
        results: async () => { await page.goto(`${base}/#results`); await page.waitForSelector('#results-list, #page-results p'); },
        ...(runFile ? {detail: () => open(runFile)} : {}),
        ...(runFile && other && !opt('--results', null) ? {energy: async () => {
          await open(other);
          if (await page.locator('#runs summary').count()) await page.click('#runs summary');
        }} : {}),
        ...(sweepFile ? {sweep: () => open(sweepFile)} : {}),
        ...(sweepEnergy ? {'sweep-energy': () => open(sweepEnergy)} : {}),
        ...(serveFile ? {serving: async () => { await open(serveFile); await page.locator('#serving').scrollIntoViewIfNeeded(); }} : {}),
        ...(runFile && other ? {comparison: async () => {
          await page.goto(`${base}/#results`);
          await page.waitForSelector('#results-list');
          for (const n of [runFile, other]) await page.locator(`#results-list tr:has(a:text-is("${n}")) input[type=checkbox]`).check();
          await page.click('#compare');
          await page.waitForSelector('#ratio-table');
          await page.waitForTimeout(300);
          await drawn();
          await page.locator('#comparison').scrollIntoViewIfNeeded();
        }} : {}),
        ...(bad ? {unreadable: () => open(bad)} : {}),
      };
      for (const [name, go] of Object.entries(pages)) {
        await go();
        await page.evaluate(() => { const t = document.getElementById('toast'); if (t) t.hidden = true; });
        await page.screenshot({path: path.join(OUT, `${name}-${width}-${lang}-${theme}.png`), fullPage: true});
        count++;
      }
      await ctx.close();
    }
await browser.close();
stop();
console.log(`${count} screenshots in ${OUT}`);
if (errors.length) { console.error(errors.join('\n')); process.exit(1); }
