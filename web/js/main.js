// Page switching by URL hash (#hardware, #benchmark, #results) and the language switch.
import {applyI18n, getLang, onLangChange, setLang} from './i18n.js';
import * as hardware from './pages/hardware.js';
import * as benchmark from './pages/benchmark.js';
import * as results from './pages/results.js';

const pages = {hardware, benchmark, results};
const mounted = new Set();

// #NAME or #NAME/ARG (#results/FILE opens that result)
function show() {
  const [page, ...rest] = location.hash.slice(1).split('/');
  const name = pages[page] ? page : 'hardware';
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  for (const key of Object.keys(pages)) document.getElementById(`page-${key}`).hidden = key !== name;
  document.querySelectorAll('header nav a').forEach(a => a.classList.toggle('active', a.dataset.page === name));
  const el = document.getElementById(`page-${name}`);
  if (!mounted.has(name)) {
    mounted.add(name);
    pages[name].mount(el, arg);
  } else if (pages[name].shown) {
    pages[name].shown(el, arg);
  }
}

function markLang() {
  document.querySelectorAll('header .lang button').forEach(b => b.classList.toggle('active', b.dataset.lang === getLang()));
}

document.querySelectorAll('header .lang button').forEach(b => b.addEventListener('click', () => setLang(b.dataset.lang)));
onLangChange(() => {
  markLang();
  applyI18n();
  // mounted pages redraw their text in the new language
  for (const name of mounted) pages[name].render?.(document.getElementById(`page-${name}`));
});
window.addEventListener('hashchange', show);
markLang();
applyI18n();
show();
