// Page switching by URL hash (#hardware, #benchmark, #results), the language and theme switches, and what every
// page gets: its h1 and title, aria-current on the nav, a CSV button on each table.
import {applyI18n, getLang, onLangChange, setLang, t} from './i18n.js';
import * as hardware from './pages/hardware.js';
import * as benchmark from './pages/benchmark.js';
import * as results from './pages/results.js';
import {addTableTools} from './ui.js';

const pages = {hardware, benchmark, results};
const mounted = new Set();
let current = null;

function heading(name) {
  document.getElementById('page-h1').textContent = t(`nav.${name}`);
  document.title = t('page.title', {page: t(`nav.${name}`)});
}

// #NAME or #NAME/ARG (#results/FILE opens that result)
function show() {
  const [page, ...rest] = location.hash.slice(1).split('/');
  const name = pages[page] ? page : 'hardware';
  const arg = rest.length ? decodeURIComponent(rest.join('/')) : null;
  current = name;
  for (const key of Object.keys(pages)) document.getElementById(`page-${key}`).hidden = key !== name;
  document.querySelectorAll('header nav a').forEach(a => {
    a.classList.toggle('active', a.dataset.page === name);
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  heading(name);
  const el = document.getElementById(`page-${name}`);
  if (!mounted.has(name)) {
    mounted.add(name);
    pages[name].mount(el, arg);
  } else if (pages[name].shown) {
    pages[name].shown(el, arg);
  }
}

function markLang() {
  document.querySelectorAll('header .lang button').forEach(b => {
    b.classList.toggle('active', b.dataset.lang === getLang());
    b.setAttribute('aria-pressed', String(b.dataset.lang === getLang()));
  });
  document.querySelectorAll('[data-i18n-aria]').forEach(el => el.setAttribute('aria-label', t(el.dataset.i18nAria)));
}

// Theme: system (no choice stored) → light → dark → system; the choice is remembered (theme.js applies it early).
const THEMES = ['auto', 'light', 'dark'];
function theme() { return document.documentElement.dataset.theme || 'auto'; }
function markTheme() {
  const b = document.getElementById('theme');
  b.setAttribute('aria-label', t(`theme.${theme()}`));
  b.title = t(`theme.${theme()}`);
  b.textContent = {auto: '◐', light: '☀', dark: '☾'}[theme()];
}
function redraw() {
  // mounted pages redraw their text (and their charts, in the theme's colours)
  for (const name of mounted) pages[name].render?.(document.getElementById(`page-${name}`));
}
document.getElementById('theme').addEventListener('click', () => {
  const next = THEMES[(THEMES.indexOf(theme()) + 1) % THEMES.length];
  if (next === 'auto') { delete document.documentElement.dataset.theme; localStorage.removeItem('computellm.theme'); }
  else { document.documentElement.dataset.theme = next; localStorage.setItem('computellm.theme', next); }
  markTheme();
  redraw();
});
// a system theme change redraws the charts in the new colours when the page follows the system
window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { if (theme() === 'auto') redraw(); });

document.querySelectorAll('header .lang button').forEach(b => b.addEventListener('click', () => setLang(b.dataset.lang)));
onLangChange(() => {
  markLang();
  markTheme();
  applyI18n();
  if (current) heading(current);
  redraw();
});
window.addEventListener('hashchange', show);
// every table, whenever a page draws one, gets its CSV button
new MutationObserver(() => addTableTools(document.querySelector('main'))).observe(document.querySelector('main'),
  {childList: true, subtree: true});
markLang();
markTheme();
applyI18n();
show();
