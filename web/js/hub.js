// The results hub's leaderboard page (computellm hub): the filters become the query of GET /api/leaderboard,
// the rows a table; numbers in the page's language, unknown ones as an em dash. EN/FR through i18n.js.
import {applyI18n, num, onLangChange, setLang, t} from './i18n.js';

const form = document.getElementById('filters');
const body = document.querySelector('#board tbody');
const status = document.getElementById('status');
let rows = [];

function query() {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
  return q.toString();
}

function cell(tr, text) {
  const td = document.createElement('td');
  td.textContent = text;
  tr.appendChild(td);
}

function render() {
  body.replaceChildren();
  status.textContent = rows.length ? t('hub.count', {n: rows.length}) : t('hub.empty');
  for (const r of rows) {
    const tr = document.createElement('tr');
    cell(tr, r.rank ?? '');
    cell(tr, r.model + (r.synthetic ? ` (${t('hub.synthetic_yes')})` : ''));
    cell(tr, r.quant);
    cell(tr, r.backend);
    cell(tr, num(r.score, 0));
    cell(tr, num(r.decode_tps, 1));
    cell(tr, num(r.prompt_tps, 1));
    cell(tr, num(r.ttft_ms, 1));
    cell(tr, num(r.j_per_token, 3));
    cell(tr, `${r.hostname} · ${r.cpu}`);
    cell(tr, r.gpu_name || r.gpu_vendor);
    cell(tr, r.os);
    cell(tr, (r.timestamp || '').slice(0, 10));
    body.appendChild(tr);
  }
}

async function load() {
  const q = query();
  document.getElementById('csv').href = '/api/leaderboard.csv' + (q ? '?' + q : '');
  status.textContent = t('common.loading');
  const res = await fetch('/api/leaderboard' + (q ? '?' + q : ''), {credentials: 'same-origin'});
  if (res.status === 401) { status.textContent = t('hub.unauthorized'); rows = []; body.replaceChildren(); return; }
  const data = await res.json();
  if (!res.ok) { status.textContent = t('common.error', {msg: data.error}); return; }
  rows = data.rows;
  render();
}

form.addEventListener('submit', e => { e.preventDefault(); load(); });
document.querySelectorAll('[data-lang]').forEach(b => b.addEventListener('click', () => setLang(b.dataset.lang)));
onLangChange(() => { applyI18n(); render(); });
applyI18n();
load().catch(e => { status.textContent = t('common.error', {msg: e.message}); });
