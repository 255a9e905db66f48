// Small DOM helpers shared by the pages.
import {t} from './i18n.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false)
    el.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// <dl> of [term, value] pairs; a null value prints as an em dash.
export function kv(pairs) {
  return h('dl', {class: 'kv'}, pairs.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

let toastTimer;
export function toast(msg) {
  const el = document.getElementById('toast');
  el.textContent = msg;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, 6000);
}

// A CSV of a table as it shows (header rows and body, one line per row; cells quoted when they hold a comma, a
// quote or a line break).
export function tableCsv(table) {
  const q = s => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return [...table.rows].map(r => [...r.cells].flatMap(c => {
    const text = c.textContent.replace(/\s+/g, ' ').trim();
    return Array.from({length: Number(c.colSpan) || 1}, (_, i) => (i === 0 ? q(text) : ''));
  }).join(',')).join('\r\n') + '\r\n';
}

// Adds a "CSV" button before every table under root that has none yet (tables drawn later get theirs through the
// page's MutationObserver, main.js).
export function addTableTools(root) {
  for (const table of root.querySelectorAll('table')) {
    if (table.dataset.csvTools || table.closest('.no-csv')) continue;
    table.dataset.csvTools = '1';
    const name = table.id || table.className.split(' ')[0] || 'table';
    const btn = h('button', {type: 'button', class: 'tool csv', title: t('table.csv_title'), onclick: () => {
      const a = h('a', {href: URL.createObjectURL(new Blob([tableCsv(table)], {type: 'text/csv'})), download: `${name}.csv`});
      document.body.appendChild(a); a.click(); a.remove();
    }}, 'CSV');
    const holder = table.parentElement?.classList.contains('scroll') ? table.parentElement : table;
    holder.parentNode.insertBefore(h('div', {class: 'table-tools'}, btn), holder);
  }
}
