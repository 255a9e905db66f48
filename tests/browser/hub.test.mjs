// Browser test of the results hub's pages (issue 16: computellm hub, web/hub.html + web/js/hub.js) in Debian's
// /usr/bin/chromium driven by playwright-core, with axe-core's rules (both from deps/test.lock). Run by `make test`
// through CTest (browser_hub in tests/CMakeLists.txt), or by hand:
//   CLLM_BIN=build/computellm node --test tests/browser/hub.test.mjs
// Environment: CLLM_BIN, CLLM_SRC, CLLM_ARTIFACTS (screenshots), CLLM_CHROMIUM, as gui.test.mjs.
// A fresh hub on SQLite, and on a private PostgreSQL cluster when its server programs are installed (initdb +
// pg_ctl under /usr/lib/postgresql/*/bin, a Unix socket in a temp folder, as `nobody` when run as root; else that
// half is skipped with a message). Fixtures: two real tiny runs (`computellm run` on the tiny synthetic model; the
// captured tests/data/hub/tiny_run.json twice under two ids when no libllama is installed), plus two edited copies
// that stand for other machines (an NVIDIA/CUDA Linux box and an Apple/Metal Mac, real models, older dates) so each
// filter has something to keep and something to drop. All go in through `computellm submit`. Checked: the
// leaderboard shows the files' own numbers (EN and FR formats), every filter (GPU vendor, backend, OS, date, synthetic
// or real), the CSV export link, the machine page (hardware, runs over time), the comparison of picked rows (the
// GUI's view with its verdict column), axe-core light and dark, screenshots at 1400 / 800 / 480 px.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {SRC, BIN, ARTIFACTS, CHROMIUM, MODS, chromium, llamaDir, TINY_MODELS} from './lib.mjs';

const AXE = fs.readFileSync(path.join(MODS, 'axe-core', 'axe.min.js'), 'utf8');
const TOKEN = 'hub-browser-token-0123456789';
const CONFIG = {models: ['tiny-test'], inference: {max_tokens: 8}, runs: {count: 3, warmup: 1, cleanup_pause_s: 0},
  monitor: {interval_s: 0.2}};

let tmp, browser;
let files = [];          // [{path, json}] in submit order: real 1, real 2, gpu box, mac
const children = new Set();
process.on('exit', () => { for (const c of children) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ } });

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {encoding: 'utf8', timeout: 180000, ...opts});
  return {ok: r.status === 0, out: r.stdout || '', err: r.stderr || '', status: r.status};
}

// ---- fixtures ----

function realRuns() {
  if (!llamaDir) {
    console.log('# no libllama under .deps/llama: the two "runs" are tests/data/hub/tiny_run.json under two ids');
    const base = JSON.parse(fs.readFileSync(path.join(SRC, 'tests', 'data', 'hub', 'tiny_run.json'), 'utf8'));
    return ['20261203_113114', '20261203_113115'].map((id, i) => {
      const j = structuredClone(base);
      j.id = id;
      j.timestamp = `2026-12-03T11:31:1${4 + i}+00:00`;
      if (i) j.ai_benchmarks.results['tiny-test'].summary.avg_decode_tokens_per_second *= 0.9;
      return j;
    });
  }
  const out = [];
  for (let i = 0; i < 2; i++) {
    const r = sh(BIN, ['run', '--skip-classic', '--cpu', '--models-file', path.join(tmp, 'models.json'), '--config',
      path.join(tmp, 'config.json'), '--models-dir', path.join(tmp, 'models'), '--no-download', '--ladder', 'off',
      '--llama-lib', llamaDir, '--output', path.join(tmp, 'runs')]);
    const m = r.err.match(/results written to (\S+\.json)/);
    assert.ok(r.ok && m, `computellm run ${i + 1} failed (exit ${r.status}): ${r.err.slice(-2000)}`);
    out.push(JSON.parse(fs.readFileSync(m[1], 'utf8')));
    if (i === 0) spawnSync('sleep', ['1.1']);   // result ids are the start second
  }
  return out;
}

// another machine: its hardware and engine edited, the real model and an older date
function otherMachine(base, {id, ts, host, system, vendor, gpu, backend, scale}) {
  const j = structuredClone(base);
  j.id = id;
  j.timestamp = ts;
  j.hardware.os.hostname = host;
  j.hardware.os.system = system;
  j.hardware.cpu.model = `${host} CPU`;
  j.hardware.gpu.devices = [{index: 0, vendor, name: gpu, vram_total_gb: 24, backend}];
  j.hardware.gpu.count = 1;
  // a machine `scale` times as fast, steadily: every rate of the summary × scale, every latency ÷ scale; each
  // run's sample that summary mean (edited) within ±0.1 %, so the comparison's verdict on it is certain however
  // noisy the real runs were
  const factor = k => (/tokens_per_second$/.test(k) ? scale : /latency_s$/.test(k) ? 1 / scale : null);
  for (const r of Object.values(j.ai_benchmarks.results)) {
    r.model.synthetic = false;
    r.engine.backend = backend;
    for (const [k, v] of Object.entries(r.summary || {}))
      if (typeof v === 'number' && factor(k) != null) r.summary[k] = v * factor(k);
    const runs = r.runs || [];
    runs.forEach((run, i) => {
      for (const [k, v] of Object.entries(run)) {
        if (typeof v !== 'number' || factor(k) == null) continue;
        const mean = r.summary[`avg_${k}`];
        run[k] = (typeof mean === 'number' ? mean : v * factor(k)) * (1 + 0.001 * (i - (runs.length - 1) / 2));
      }
    });
  }
  return j;
}

// ---- PostgreSQL, as tests/cli/test_hub.sh starts it ----

const asPg = (cmd, args) => (process.getuid() === 0 ? sh('runuser', ['-u', 'nobody', '--', cmd, ...args]) : sh(cmd, args));
let pg = null;   // {bin, dir, port}

function pgStart() {
  const roots = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [];
  const bin = roots.map(v => `/usr/lib/postgresql/${v}/bin`).find(d => fs.existsSync(`${d}/initdb`));
  if (!bin) return 'no initdb under /usr/lib/postgresql (scripts/setup installs Debian\'s postgresql)';
  const dir = path.join(tmp, 'pg');
  fs.mkdirSync(dir);
  if (process.getuid() === 0) fs.chownSync(dir, Number(sh('id', ['-u', 'nobody']).out.trim()), -1);
  const port = 20000 + Math.floor(Math.random() * 20000);
  let r = asPg(`${bin}/initdb`, ['-D', `${dir}/data`, '-A', 'trust', '-U', 'hub', '--locale=C', '-E', 'UTF8']);
  if (!r.ok) return `initdb failed: ${r.err.slice(-500)}`;
  r = asPg(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-o', `-k ${dir} -c listen_addresses= -p ${port}`, '-l', `${dir}/log`,
    '-w', '-t', '30', 'start']);
  if (!r.ok) return `pg_ctl start failed: ${r.err.slice(-500)} ${fs.existsSync(`${dir}/log`) ? fs.readFileSync(`${dir}/log`, 'utf8').slice(-500) : ''}`;
  pg = {bin, dir, port};
  return null;
}

function pgStop() {
  if (pg) asPg(`${pg.bin}/pg_ctl`, ['-D', `${pg.dir}/data`, '-m', 'fast', '-w', '-t', '30', 'stop']);
  pg = null;
}

// ---- a hub ----

async function startHub(db, name) {
  const hub = spawn(BIN, ['hub', '--db', db, '--port', '0', '--token', TOKEN],
    {detached: true, stdio: ['ignore', 'pipe', 'pipe']});
  children.add(hub);
  hub.stderr.pipe(fs.createWriteStream(path.join(ARTIFACTS, `hub-${name}-server.log`)));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const tm = setTimeout(() => reject(new Error(`no URL from computellm hub within 20 s: ${out}`)), 20000);
    hub.stdout.on('data', d => {
      out += d;
      const m = out.match(/^(http:\/\/\S+)\s*$/m);
      if (m) { clearTimeout(tm); resolve(m[1]); }
    });
    hub.once('exit', code => { clearTimeout(tm); reject(new Error(`computellm hub exited (${code}): ${out}`)); });
  });
  return {hub, base: new URL(url).origin};
}

async function stopHub(hub) {
  if (!hub || hub.exitCode !== null) return;
  await new Promise(resolve => {
    const tm = setTimeout(() => { try { process.kill(-hub.pid, 'SIGKILL'); } catch { /* gone */ } resolve(); }, 5000);
    hub.once('exit', () => { clearTimeout(tm); resolve(); });
    try { process.kill(-hub.pid, 'SIGTERM'); } catch { clearTimeout(tm); resolve(); }
  });
  children.delete(hub);
}

before(async () => {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cllm_hub_browser.'));
  fs.chmodSync(tmp, 0o755);   // the cluster's user (nobody) must reach its folder inside
  fs.writeFileSync(path.join(tmp, 'models.json'), JSON.stringify(TINY_MODELS));
  fs.writeFileSync(path.join(tmp, 'config.json'), JSON.stringify(CONFIG));
  const [a, b] = realRuns();
  const gpuBox = otherMachine(a, {id: '20250601_120000', ts: '2025-06-01T12:00:00+00:00', host: 'gpu-box',
    system: 'Linux', vendor: 'NVIDIA', gpu: 'NVIDIA GeForce RTX 4090', backend: 'CUDA', scale: 8});
  const mac = otherMachine(a, {id: '20251015_090000', ts: '2025-10-15T09:00:00+00:00', host: 'mac-mini',
    system: 'Darwin', vendor: 'Apple', gpu: 'Apple M2 Pro', backend: 'Metal', scale: 3});
  files = [a, b, gpuBox, mac].map((json, i) => {
    const p = path.join(tmp, `submit_${i}.json`);
    fs.writeFileSync(p, JSON.stringify(json));
    return {path: p, json};
  });
  browser = await chromium.launch({executablePath: CHROMIUM, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
           '--disable-component-update', '--no-first-run']});
});

after(async () => {
  try { if (browser) await browser.close(); } finally {
    for (const c of [...children]) await stopHub(c);
    pgStop();
    if (tmp && !process.env.CLLM_KEEP_TMP) fs.rmSync(tmp, {recursive: true, force: true});
  }
});

// ---- what the page should show ----

const summary = j => j.ai_benchmarks.results['tiny-test'].summary;
const runsOf = j => (j.ai_benchmarks.results['tiny-test'].runs || []).filter(r => r.status === 'ok').length;
const fmt = (v, d, lang) => (v == null ? '—' : Number(v).toLocaleString(lang, {maximumFractionDigits: d}));
const score = s => 10 * Math.cbrt(s.avg_prompt_tokens_per_second * s.avg_decode_tokens_per_second * 1000 /
  (s.avg_first_token_latency_s * 1000));

function suite(name, dbOf, {full}) {
  describe(`hub on ${name}`, () => {
    let hub, base, context, page, skip = null;
    const errors = [];

    before(async () => {
      const db = dbOf();
      if (typeof db === 'object' && db.skip) { skip = db.skip; return; }
      ({hub, base} = await startHub(db, name));
      const sub = sh(BIN, ['submit', `${base}/`, ...files.map(f => f.path), '--token', TOKEN, '--output',
        path.join(tmp, `out_${name}`)]);
      assert.ok(sub.ok, `computellm submit failed (${sub.status}): ${sub.err}`);
      assert.equal((sub.out.match(/^added /gm) || []).length, 4, sub.out);
      context = await browser.newContext({locale: 'en-US', viewport: {width: 1400, height: 900}, acceptDownloads: true});
      context.setDefaultTimeout(30000);
      page = await context.newPage();
      page.on('pageerror', e => errors.push(String(e)));
      page.on('console', m => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
      await page.goto(`${base}/?token=${TOKEN}`);
      assert.equal(page.url(), `${base}/`);
    });
    after(async () => { if (context) await context.close(); await stopHub(hub); });

    const setLang = async lang => {
      await page.click(`header .lang button[data-lang="${lang}"]`);
      await page.waitForFunction(l => document.documentElement.lang === l, lang);
    };
    const rowsShown = () => page.$$eval('#board tbody tr', trs => trs.map(tr => ({key: tr.dataset.key,
      host: tr.querySelector('a.machine')?.textContent, cells: [...tr.cells].map(c => c.textContent.trim())})));
    const board = async (q = {}) => {
      await page.goto(`${base}/#leaderboard`);
      await page.waitForSelector('#status:not(:empty)');
      await setLang('en');
      for (const [k, v] of Object.entries(q)) {
        const el = page.locator(`#filters [name="${k}"]`);
        if (await el.evaluate(e => e.tagName) === 'SELECT') await el.selectOption(v); else await el.fill(v);
      }
      const before = await page.evaluate(() => window.performance.getEntriesByType('resource').length);
      await page.click('#filters button[type=submit]');
      await page.waitForFunction(n => performance.getEntriesByType('resource').length > n &&
        !/Loading|Chargement/.test(document.getElementById('status').textContent), before);
      return rowsShown();
    };
    const hosts = rows => rows.map(r => r.host).sort();

    test('the leaderboard shows the four submitted files with their own numbers, ranked, in English and French', async t => {
      if (skip) { t.skip(skip); return; }
      const rows = await board();
      assert.equal(rows.length, 4, JSON.stringify(rows));
      assert.match(await page.textContent('#status'), /^4 runs$/);
      for (const lang of ['en', 'fr']) {
        await setLang(lang);
        const shown = await rowsShown();
        for (const f of files) {
          const s = summary(f.json);
          const row = shown.find(r => r.key.startsWith(`${f.json.id}/`));
          assert.ok(row, `${f.json.id} (${f.json.hardware.os.hostname}) not on the board`);
          const [, , model, quant, backend, sc, dec, pr, ttft, jpt, mach, gpu, osName, date] = row.cells;
          assert.equal(quant, 'Q4_K_M');
          assert.equal(backend, f.json.ai_benchmarks.results['tiny-test'].engine.backend);
          assert.equal(dec, fmt(s.avg_decode_tokens_per_second, 1, lang), `${lang} decode of ${f.json.id}`);
          assert.equal(pr, fmt(s.avg_prompt_tokens_per_second, 1, lang), `${lang} prompt of ${f.json.id}`);
          assert.equal(ttft, fmt(s.avg_first_token_latency_s * 1000, 1, lang), `${lang} TTFT of ${f.json.id}`);
          assert.equal(sc, fmt(score(s), 0, lang), `${lang} score of ${f.json.id}`);
          assert.equal(jpt, fmt(s.avg_decode_joules_per_token ?? null, 3, lang));
          assert.equal(row.host, f.json.hardware.os.hostname);
          assert.ok(mach.endsWith(f.json.hardware.cpu.model), mach);
          assert.equal(osName, f.json.hardware.os.system);
          assert.equal(date, f.json.timestamp.slice(0, 10));
          assert.equal(model.includes(lang === 'fr' ? 'synthétique' : 'synthetic'), f.json.ai_benchmarks.results['tiny-test'].model.synthetic);
          assert.ok(gpu.length > 0);
        }
        // the two real runs share one group (CPU): ranks 1 and 2, the higher score first
        const cpu = shown.filter(r => r.cells[4] === 'CPU');
        assert.deepEqual(cpu.map(r => r.cells[1]), ['1', '2']);
        if (lang === 'fr') {
          assert.equal(await page.textContent('#status'), '4 exécutions');
          assert.equal(await page.textContent('#board thead th:nth-child(7)'), 'Décodage t/s');
        }
      }
      await setLang('en');
    });

    test('filters: GPU vendor, backend, OS, date range, synthetic or real model; clearing shows all again', async t => {
      if (skip) { t.skip(skip); return; }
      assert.deepEqual(hosts(await board({gpu_vendor: 'NVIDIA'})), ['gpu-box']);
      assert.deepEqual(hosts(await board({gpu_vendor: '', backend: 'Metal'})), ['mac-mini']);
      assert.deepEqual(hosts(await board({backend: '', os: 'Darwin'})), ['mac-mini']);
      const realHost = files[0].json.hardware.os.hostname;
      assert.deepEqual(hosts(await board({os: 'Linux'})), ['gpu-box', realHost, realHost].sort());
      assert.deepEqual(hosts(await board({os: '', synthetic: 'true'})), [realHost, realHost]);
      assert.deepEqual(hosts(await board({synthetic: 'false'})), ['gpu-box', 'mac-mini']);
      // dates: the mac's day only (both ends inclusive in the page), then everything from 2026
      assert.deepEqual(hosts(await board({synthetic: '', since: '2025-10-15', until: '2025-10-15'})), ['mac-mini']);
      assert.deepEqual(hosts(await board({since: '2026-01-01', until: ''})), [realHost, realHost]);
      const none = await board({since: '2099-01-01'});
      assert.equal(none.length, 0);
      assert.equal(await page.textContent('#status'), 'No run matches these filters.');
      // the CSV link carries the filters; what it serves is the board's rows
      await board({since: '', gpu_vendor: 'Apple'});
      const href = await page.getAttribute('#csv', 'href');
      assert.equal(href, '/api/leaderboard.csv?gpu_vendor=Apple');
      const dl = page.waitForEvent('download');
      await page.click('#csv');
      const csv = fs.readFileSync(await (await dl).path(), 'utf8').trim().split(/\r?\n/);
      assert.match(csv[0], /^rank,model,quant,backend,score,decode_tps/);
      assert.equal(csv.length, 2, csv.join('\n'));
      assert.ok(csv[1].includes('mac-mini'));
      const macDecode = summary(files[3].json).avg_decode_tokens_per_second;
      assert.ok(Math.abs(Number(csv[1].split(',')[5]) - macDecode) < 1e-4 * macDecode, csv[1]);
      await page.click('#filters button[type=reset]');
      await page.waitForFunction(() => document.querySelectorAll('#board tbody tr').length === 4);
      assert.equal(await page.getAttribute('#csv', 'href'), '/api/leaderboard.csv');
      // the datalists offer what the board holds
      assert.deepEqual(await page.$$eval('#dl-gpu_vendor option', o => o.map(x => x.value)), ['Apple', 'NVIDIA', 'none']);
    });

    test('the machine page: the hardware of its newest file and all its runs over time, a chart of decode t/s', async t => {
      if (skip) { t.skip(skip); return; }
      await board();
      const real = files[0].json;
      await page.click(`#board tbody tr[data-key^="${real.id}/"] a.machine`);
      await page.waitForSelector('#machine-runs');
      assert.match(page.url(), /#machine\/[0-9a-f]{16}$/);
      assert.equal(await page.textContent('#page-h1'), 'Machine');
      assert.equal(await page.textContent('#machine-name'), real.hardware.os.hostname);
      const hw = await page.$$eval('#machine-hw dt', d => d.map(x => x.textContent));
      const dd = await page.$$eval('#machine-hw dd', d => d.map(x => x.textContent));
      assert.ok(hw.includes('CPU'), hw.join('|'));
      assert.equal(dd[hw.indexOf('CPU')], real.hardware.cpu.model);
      assert.match(await page.textContent('#machine-hw'), new RegExp(files[1].json.id));   // the newest file's
      // both real runs, oldest first, with their own decode rates
      const runs = await page.$$eval('#machine-runs tbody tr', trs => trs.map(tr => [...tr.cells].map(c => c.textContent.trim())));
      assert.equal(runs.length, 2);
      assert.deepEqual(runs.map(r => r[9]), [files[0].json.id, files[1].json.id]);
      assert.deepEqual(runs.map(r => r[5]), [0, 1].map(i => fmt(summary(files[i].json).avg_decode_tokens_per_second, 1, 'en')));
      await page.waitForFunction(() => window.Chart.getChart(document.querySelector('canvas[data-chart="machine-decode"]')));
      const pts = await page.evaluate(() => window.Chart.getChart(document.querySelector('canvas[data-chart="machine-decode"]')).data.datasets.map(d => d.data));
      assert.equal(pts.length, 1);
      pts[0].forEach((v, i) => {
        const want = summary(files[i].json).avg_decode_tokens_per_second;
        assert.ok(Math.abs(v - want) <= 1e-9 * want, `chart point ${i}: ${v}, the file says ${want}`);
      });
      // the raw file link serves the file as submitted
      const href = await page.getAttribute('#machine-runs tbody tr:first-child a', 'href');
      const raw = await page.evaluate(async u => (await fetch(u)).json(), href);
      assert.equal(raw.id, files[0].json.id);
      await page.click('text=← Leaderboard');
      await page.waitForSelector('#page-leaderboard:not([hidden])');
    });

    test('comparison of picked rows: the GUI\'s view, ratios and the Welch / Fieller verdict column, baseline switch, CSV', async t => {
      if (skip) { t.skip(skip); return; }
      await board();
      await page.click('#compare');
      await page.waitForSelector('#toast:not([hidden])');
      assert.match(await page.textContent('#toast'), /at least two/);
      const real = files[0].json, gpuBox = files[2].json;
      await page.check(`#board tbody tr[data-key^="${real.id}/"] input.pick`);
      await page.check(`#board tbody tr[data-key^="${gpuBox.id}/"] input.pick`);
      assert.equal(await page.textContent('#picked'), '2 selected');
      await page.click('#compare');
      await page.waitForSelector('#ratio-table');
      assert.equal(await page.textContent('#page-h1'), 'Comparison');
      // the hardware side by side, from each file
      const hwText = await page.textContent('#cmp-hardware');
      assert.ok(hwText.includes(real.hardware.cpu.model) && hwText.includes('gpu-box CPU'), hwText);
      assert.ok(hwText.includes('NVIDIA GeForce RTX 4090'), hwText);
      // the decode row: both machines' values and the ratio the edit made (×8), with a verdict
      const rows = await page.$$eval('#ratio-table tr', trs => trs.map(tr => [...tr.cells].map(c => c.textContent.trim())));
      const head = rows[0];
      assert.ok(head.includes('[2] vs [1]'), head.join('|'));
      const dec = rows.find(r => /tiny-test/.test(r[0]) && r[1] === 'tokens/s' && /decode/i.test(r[0]));
      assert.ok(dec, rows.map(r => r[0]).join('\n'));
      assert.equal(dec[head.indexOf('[2]/[1]')], '8.00×');
      const verdict = dec[head.indexOf('[2] vs [1]')];
      if (runsOf(real) >= 2) assert.match(verdict, /^faster \(8\.00×, CI /);
      else assert.equal(verdict, 'not enough runs');
      // baseline switch: the ratio turns over
      await page.selectOption('#baseline', '1');
      await page.waitForFunction(() => [...document.querySelectorAll('#ratio-table th')].some(th => th.textContent === '[1]/[2]'));
      const rows2 = await page.$$eval('#ratio-table tr', trs => trs.map(tr => [...tr.cells].map(c => c.textContent.trim())));
      const dec2 = rows2.find(r => r[0] === dec[0] && r[1] === dec[1]);
      assert.equal(dec2[rows2[0].indexOf('[1]/[2]')], '0.13×');
      const dl = page.waitForEvent('download');
      await page.click('#export-cmp');
      const csv = fs.readFileSync(await (await dl).path(), 'utf8');
      assert.match(csv, /^family,metric,unit,better,/);
      // French: the verdict column's words
      await setLang('fr');
      assert.equal(await page.textContent('#page-h1'), 'Comparaison');
      assert.ok((await page.textContent('#ratio-table')).includes(runsOf(real) >= 2 ? 'plus lent' : 'pas assez de passes'));
      await setLang('en');
      // a bad pick list says what is wrong
      const seen = errors.length;
      await page.goto(`${base}/#compare/nothing`);
      await page.waitForSelector('#page-compare [role=alert]');
      assert.match(await page.textContent('#page-compare [role=alert]'), /RESULT_ID\/MACHINE/);
      // the browser logs the 400 it was meant to get; nothing else
      assert.deepEqual(errors.splice(seen).filter(e => !/status of 400/.test(e)), []);
    });

    if (full) {
      test('axe-core: no serious or critical violation on the three pages, light and dark; screenshots at 1400 / 800 / 480 px', async t => {
        if (skip) { t.skip(skip); return; }
        const fp = (await page.evaluate(async () => (await (await fetch('/api/leaderboard')).json()).rows))
          .map(r => r.machine);
        const ids = (await page.evaluate(async () => (await (await fetch('/api/leaderboard')).json()).rows))
          .map(r => `${r.result_id}/${r.machine}`);
        const views = {leaderboard: '#leaderboard', machine: `#machine/${fp[0]}`,
          compare: `#compare/${ids.slice(0, 3).join(',')}`};
        const ready = {leaderboard: '#board tbody tr', machine: '#machine-runs', compare: '#ratio-table'};
        const problems = [];
        for (const scheme of ['light', 'dark']) {
          await page.emulateMedia({colorScheme: scheme});
          for (const [name, hash] of Object.entries(views)) {
            await page.goto(`${base}/${hash}`);
            await page.waitForSelector(ready[name]);
            await page.waitForTimeout(150);
            if (!await page.evaluate(() => !!window.axe)) await page.addScriptTag({content: AXE});
            const res = await page.evaluate(() => window.axe.run(document, {resultTypes: ['violations']}));
            const bad = res.violations.filter(v => ['serious', 'critical'].includes(v.impact));
            for (const v of bad) problems.push(`${name} ${scheme}: ${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`);
            for (const w of [1400, 800, 480]) {
              await page.setViewportSize({width: w, height: 900});
              // charts follow their box on Chart.js's next resize callback: up to 3 s for it, an overflow that
              // stays is reported
              await page.waitForFunction(() => document.documentElement.scrollWidth
                <= document.documentElement.clientWidth + 1, null, {timeout: 3000}).catch(() => {});
              const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
              if (over > 1) problems.push(`${name} ${scheme} ${w}px: the page scrolls sideways by ${over} px`);
              await page.screenshot({path: path.join(ARTIFACTS, `hub-${name}-${w}-${scheme}.png`), fullPage: true});
            }
            await page.setViewportSize({width: 1400, height: 900});
          }
        }
        await page.emulateMedia({colorScheme: 'light'});
        assert.deepEqual(problems, []);
        assert.equal(await page.getAttribute('header nav a', 'aria-current'), null);   // on the compare page
        await page.goto(`${base}/#leaderboard`);
        assert.equal(await page.getAttribute('header nav a', 'aria-current'), 'page');
      });
    }

    test('no error in the page\'s console', t => {
      if (skip) { t.skip(skip); return; }
      assert.deepEqual(errors, []);
    });
  });
}

suite('SQLite', () => `sqlite:${path.join(tmp, 'hub.db')}`, {full: true});
suite('PostgreSQL', () => {
  const why = pgStart();
  if (why) {
    console.log(`# skip: PostgreSQL half: ${why}`);
    // CI (.ci/run) sets CLLM_REQUIRE_POSTGRESQL=1: there the half must run
    if (process.env.CLLM_REQUIRE_POSTGRESQL === '1') throw new Error(`PostgreSQL half required but: ${why}`);
    return {skip: `PostgreSQL half skipped: ${why}`};
  }
  console.log(`# PostgreSQL half: private cluster from ${pg.bin} on ${pg.dir}, port ${pg.port}`);
  return `postgresql:///postgres?host=${pg.dir}&port=${pg.port}&user=hub`;
}, {full: false});
