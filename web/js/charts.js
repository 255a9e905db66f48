// Thin layer over Chart.js (window.Chart, loaded as a classic script): grouped bars with optional error bars and
// their values written on them, line charts for time series (zoom and pan, phase markers), and lines over categories
// (per concurrency level). Every chart gets a toolbar (PNG export; zoom on time series), an HTML tooltip kept inside
// the chart's box, and a text alternative (role=img + aria-label) that lists what it shows.
import {getLang, num, t} from './i18n.js';
import {h} from './ui.js';

// Series colours come from the page's CSS (--c1 … --c8: ≥ 3:1 against the cards in the light and the dark theme).
export function palette() {
  const css = getComputedStyle(document.documentElement);
  return [1, 2, 3, 4, 5, 6, 7, 8].map(i => css.getPropertyValue(`--c${i}`).trim() || '#2f5bd3');
}
const color = i => palette()[i % 8];

function cssVar(name, fallback) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

// Text, grid and whisker colours from the page's CSS (light or dark theme), set before each chart is made.
function themeColors() {
  window.Chart.defaults.color = cssVar('--muted', '#5b6475');
  window.Chart.defaults.borderColor = cssVar('--line', '#d9dde5');
  return cssVar('--fg', '#1d2330');
}

// A number as the tooltip and the bar labels print it: enough decimals for small values (an ITL of 0.0102 s).
export function fmt(v) {
  if (v == null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return num(v, a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a >= 0.1 ? 3 : 4);
}

// Draws ±std whiskers over bars; Chart.js has no error bars built in.
const errorBars = {
  id: 'cllmErrorBars',
  afterDatasetsDraw(chart) {
    const {ctx} = chart;
    ctx.save();
    ctx.strokeStyle = cssVar('--fg', '#1d2330');
    chart.data.datasets.forEach((ds, di) => {
      if (!ds.std || chart.getDatasetMeta(di).hidden) return;
      const y = chart.scales[ds.yAxisID || 'y'];
      chart.getDatasetMeta(di).data.forEach((bar, i) => {
        const v = ds.data[i], s = ds.std[i];
        if (v == null || s == null) return;
        const top = y.getPixelForValue(v + s), bot = y.getPixelForValue(Math.max(0, v - s));
        ctx.beginPath();
        ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bot);
        ctx.moveTo(bar.x - 4, top); ctx.lineTo(bar.x + 4, top);
        ctx.moveTo(bar.x - 4, bot); ctx.lineTo(bar.x + 4, bot);
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};

// Each bar's value written above it (inside the bar when there is no room above), when the bar is wide enough.
const barValues = {
  id: 'cllmBarValues',
  afterDatasetsDraw(chart) {
    const {ctx, chartArea} = chart;
    ctx.save();
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillStyle = cssVar('--fg', '#1d2330');
    ctx.textAlign = 'center';
    // what was written, for the tests and the text alternative: [{dataset, index, text}]
    chart.$cllmValues = [];
    chart.data.datasets.forEach((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      if (meta.hidden) return;
      meta.data.forEach((bar, i) => {
        const v = ds.data[i];
        if (v == null) return;
        const text = fmt(v);
        const w = ctx.measureText(text).width;
        if (w > (bar.width || 0) + 6) return;
        const whisker = ds.std?.[i] != null ? chart.scales[ds.yAxisID || 'y'].getPixelForValue(v + ds.std[i]) : bar.y;
        let y = Math.min(bar.y, whisker) - 3;
        ctx.textBaseline = 'bottom';
        if (y - 12 < chartArea.top) { y = bar.y + 3; ctx.textBaseline = 'top'; }
        ctx.fillText(text, bar.x, y);
        chart.$cllmValues.push({dataset: di, index: i, text});
      });
    });
    ctx.restore();
  },
};

// Vertical dashed lines with a label at the top of the plot: where each phase starts on a time axis.
const markerLines = {
  id: 'cllmMarkers',
  afterDatasetsDraw(chart, _args, opts) {
    const marks = opts?.marks || [];
    if (!marks.length) return;
    const {ctx, chartArea, scales} = chart;
    ctx.save();
    ctx.strokeStyle = cssVar('--muted', '#5b6475');
    ctx.fillStyle = cssVar('--fg', '#1d2330');
    ctx.font = '11px system-ui, sans-serif';
    ctx.setLineDash([4, 3]);
    ctx.textBaseline = 'top';
    for (const m of marks) {
      const x = scales.x.getPixelForValue(m.x);
      if (x < chartArea.left - 1 || x > chartArea.right + 1) continue;
      ctx.beginPath(); ctx.moveTo(x, chartArea.top); ctx.lineTo(x, chartArea.bottom); ctx.stroke();
      ctx.fillText(m.label, Math.min(x + 3, chartArea.right - ctx.measureText(m.label).width), chartArea.top + 2);
    }
    ctx.restore();
  },
};

// The card's colour behind the chart, so an exported PNG is readable (a canvas is transparent).
const background = {
  id: 'cllmBackground',
  beforeDraw(chart) {
    const {ctx} = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = cssVar('--card', '#fff');
    ctx.fillRect(0, 0, chart.width, chart.height);
    ctx.restore();
  },
};

// Chart.js's tooltip drawn as HTML inside the chart's box: it wraps instead of running past the canvas edge, and is
// moved left or right so that it stays within the box's width.
function htmlTooltip(unitOf) {
  return context => {
    const {chart, tooltip} = context;
    const box = chart.canvas.parentNode;
    let tip = box.querySelector('.chart-tip');
    if (!tip) {
      tip = h('div', {class: 'chart-tip', role: 'tooltip'});
      box.appendChild(tip);
    }
    if (tooltip.opacity === 0) { tip.hidden = true; return; }
    const title = (tooltip.dataPoints?.[0] && (chart.data.fullLabels?.[tooltip.dataPoints[0].dataIndex]))
      || (tooltip.title || []).join(' ');
    tip.replaceChildren(
      title ? h('div', {class: 'tip-title'}, title) : null,
      ...(tooltip.dataPoints || []).map(p => {
        const ds = chart.data.datasets[p.datasetIndex];
        const raw = typeof p.raw === 'object' && p.raw ? p.raw.y : p.raw;
        const sd = ds.std?.[p.dataIndex];
        const unit = unitOf(ds);
        return h('div', {class: 'tip-row'}, h('span', {class: 'tip-swatch', style: `background:${ds.borderColor}`}),
          `${ds.full || ds.label}: `, h('strong', {}, fmt(raw)), sd != null ? ` ± ${fmt(sd)}` : '', unit ? ` ${unit}` : '');
      }));
    tip.hidden = false;
    tip.style.maxWidth = `${box.clientWidth}px`;
    const w = tip.offsetWidth, hgt = tip.offsetHeight;
    const x = Math.max(0, Math.min(box.clientWidth - w, tooltip.caretX - w / 2));
    let y = tooltip.caretY - hgt - 10;
    if (y < 0) y = Math.min(box.clientHeight - hgt, tooltip.caretY + 10);
    tip.style.left = `${x}px`;
    tip.style.top = `${Math.max(0, y)}px`;
  };
}

// The chart's text alternative: its title and each series' values per category (or the range of a time series).
function describe(chart, title) {
  const labels = chart.data.fullLabels || chart.data.labels || [];
  const parts = chart.data.datasets.map(ds => {
    const name = ds.full || ds.label;
    if (ds.data.length && typeof ds.data[0] === 'object' && ds.data[0]) {
      const ys = ds.data.map(p => p.y).filter(Number.isFinite);
      return ys.length ? `${name}: ${t('chart.range', {min: fmt(Math.min(...ys)), max: fmt(Math.max(...ys)), n: ys.length})}`
        : `${name}: —`;
    }
    return `${name}: ${ds.data.slice(0, 24).map((v, i) => `${labels[i] ?? i + 1} ${fmt(v)}`).join(', ')}`;
  });
  chart.canvas.setAttribute('aria-label', `${title ? `${title}. ` : ''}${parts.join('; ')}`);
}

// The buttons above a chart: PNG export, and for a time series zoom in / out / reset (drag to pan once zoomed).
function toolbar(box, chart, {zoom = false, name = 'chart'} = {}) {
  const bar = h('div', {class: 'chart-tools'},
    h('button', {type: 'button', class: 'tool png', title: t('chart.png_title'), onclick: () => {
      const a = h('a', {href: chart.toBase64Image('image/png', 1), download: `${name}.png`});
      document.body.appendChild(a); a.click(); a.remove();
    }}, 'PNG'));
  if (zoom) {
    const full = () => { const d = chart.data.datasets.flatMap(s => s.data.map(p => p.x)); return [Math.min(...d), Math.max(...d)]; };
    const setRange = (lo, hi) => {
      const [a, b] = full();
      const span = Math.max(hi - lo, (b - a) / 200);
      lo = Math.max(a, lo); hi = Math.min(b, lo + span); lo = Math.max(a, hi - span);
      const x = chart.options.scales.x;
      x.min = lo; x.max = hi; chart.update('none');
    };
    const cur = () => [chart.scales.x.min, chart.scales.x.max];
    const zoomBy = f => { const [lo, hi] = cur(), mid = (lo + hi) / 2, half = (hi - lo) * f / 2; setRange(mid - half, mid + half); };
    bar.append(
      h('button', {type: 'button', class: 'tool zoom-in', title: t('chart.zoom_in'), 'aria-label': t('chart.zoom_in'), onclick: () => zoomBy(0.5)}, '+'),
      h('button', {type: 'button', class: 'tool zoom-out', title: t('chart.zoom_out'), 'aria-label': t('chart.zoom_out'), onclick: () => zoomBy(2)}, '−'),
      h('button', {type: 'button', class: 'tool zoom-reset', onclick: () => {
        const x = chart.options.scales.x; delete x.min; delete x.max; chart.update('none'); }},
        t('chart.zoom_reset')));
    // Ctrl + wheel zooms around the pointer; dragging pans (plain wheel keeps scrolling the page)
    chart.canvas.addEventListener('wheel', e => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      const [lo, hi] = cur(), at = chart.scales.x.getValueForPixel(e.offsetX), f = e.deltaY < 0 ? 0.8 : 1.25;
      setRange(at - (at - lo) * f, at + (hi - at) * f);
    }, {passive: false});
    let drag = null;
    chart.canvas.addEventListener('pointerdown', e => { drag = {x: e.offsetX, range: cur()}; });
    chart.canvas.addEventListener('pointermove', e => {
      if (!drag || !(e.buttons & 1)) return;
      const [lo, hi] = drag.range, perPx = (hi - lo) / chart.chartArea.width, dx = (e.offsetX - drag.x) * perPx;
      if (Math.abs(e.offsetX - drag.x) > 2) setRange(lo - dx, hi - dx);
    });
    window.addEventListener('pointerup', () => { drag = null; });
    chart.canvas.title = t('chart.zoom_hint');
  }
  box.parentNode.insertBefore(bar, box);
}

// A box with a canvas inside, appended to parent; returns the canvas (or null with a note when no Chart.js).
export function chartBox(parent, {small = false, name = ''} = {}) {
  const box = document.createElement('div');
  box.className = small ? 'chart small' : 'chart';
  parent.appendChild(box);
  if (typeof window.Chart === 'undefined') {
    box.className = 'muted';
    box.textContent = t('chart.missing');
    return null;
  }
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  if (name) canvas.dataset.chart = name;
  box.appendChild(canvas);
  themeColors();
  return canvas;
}

// A titled chart card appended to parent, drawn by draw(canvas). A chart without data gets no card: the caller
// says once what did not run (notRun). small: a plain box with an h4 title (for grids of several per section).
export function chartCard(parent, title, name, has, draw, {small = false} = {}) {
  if (!has) return null;
  const card = small ? h('div', {class: 'chart-card'}, h('h4', {}, title))
    : h('div', {class: 'card chart-card'}, h('h3', {}, title));
  parent.appendChild(card);
  const canvas = chartBox(card, {small, name});
  if (canvas) canvas.dataset.title = title;
  return draw(canvas);
}

function finish(chart, {zoom = false} = {}) {
  const canvas = chart.canvas;
  describe(chart, canvas.dataset.title || '');
  toolbar(canvas.parentNode, chart, {zoom, name: canvas.dataset.chart || 'chart'});
  return chart;
}

// The second value scale at the right, for series with axis 'y1'; undefined when none has.
function rightScale(series, text) {
  if (!series.some(s => s.axis === 'y1')) return undefined;
  return {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false}, title: {display: !!text, text}};
}

const legendLabels = {usePointStyle: true, boxWidth: 8, boxHeight: 8};

// series: [{label (short: the legend), full? (the tooltip's name), data: [...], std?: [...], axis?: 'y1'}] over
// the category labels (short), with fullLabels (the tooltip's title) when they are shortened.
// A series with axis 'y1' goes on a second scale at the right (unit2).
export function barChart(canvas, labels, series, {unit = '', unit2 = '', title = '', legend = true, fullLabels} = {}) {
  if (!canvas) return null;
  const withStd = series.some(s => s.std && s.std.some(v => v != null));
  const scales = {y: {beginAtZero: true, title: {display: !!unit, text: unit}}};
  const y1 = rightScale(series, unit2);
  if (y1) scales.y1 = y1;
  // the scale reaches the top whisker, not only the top bar, with room for the value above it
  for (const [id, scale] of Object.entries(scales)) {
    const tops = series.filter(s => (s.axis || 'y') === id)
      .flatMap(s => s.data.map((v, i) => (v != null ? v + (s.std?.[i] ?? 0) : null))).filter(v => v != null);
    if (tops.length) scale.suggestedMax = Math.max(...tops) * 1.12;
  }
  const chart = new window.Chart(canvas, {
    type: 'bar',
    plugins: [background, barValues, ...(withStd ? [errorBars] : [])],
    data: {
      labels, fullLabels,
      datasets: series.map((s, i) => {
        const c = s.color || color(i);
        return {label: s.label, full: s.full, unit: s.unit, data: s.data, std: s.std, backgroundColor: c,
                borderColor: c, yAxisID: s.axis || 'y'};
      }),
    },
    options: {
      maintainAspectRatio: false, animation: false, locale: getLang(),
      plugins: {title: {display: !!title, text: title}, legend: {display: legend, labels: legendLabels},
                tooltip: {enabled: false, external: htmlTooltip(ds => ds.unit ?? (ds.yAxisID === 'y1' ? unit2 : unit))}},
      scales,
    },
  });
  return finish(chart);
}

// Lines with a marker per point over category labels (e.g. concurrency levels): series as barChart's, a null
// value leaves a gap. A series with axis 'y1' goes on a second scale at the right (unit2).
export function categoryLineChart(canvas, labels, series, {unit = '', unit2 = '', xTitle = '', title = ''} = {}) {
  if (!canvas) return null;
  const scales = {
    x: {title: {display: !!xTitle, text: xTitle}},
    y: {beginAtZero: true, title: {display: !!unit, text: unit}},
  };
  const y1 = rightScale(series, unit2);
  if (y1) scales.y1 = y1;
  const chart = new window.Chart(canvas, {
    type: 'line',
    plugins: [background],
    data: {
      labels,
      datasets: series.map((s, i) => {
        const c = s.color || color(i);
        return {label: s.label, full: s.full, unit: s.unit, data: s.data, borderColor: c, backgroundColor: c,
                pointRadius: 4, borderWidth: 2, borderDash: s.dash, spanGaps: false, yAxisID: s.axis || 'y'};
      }),
    },
    options: {
      maintainAspectRatio: false, animation: false, locale: getLang(),
      interaction: {mode: 'index', intersect: false},
      plugins: {title: {display: !!title, text: title}, legend: {labels: legendLabels},
                tooltip: {enabled: false, external: htmlTooltip(ds => ds.unit ?? (ds.yAxisID === 'y1' ? unit2 : unit))}},
      scales,
    },
  });
  return finish(chart);
}

// series: [{label, unit?, points: [{x, y}], axis?: 'y1', hidden?}]; x in seconds. A series with axis 'y1' goes on a
// second scale at the right (y2Title); yMax fixes the left scale's top (100 for percentages). marks: [{x, label}]
// drawn as vertical lines (where each phase starts). Zoom and pan on the time axis.
export function lineChart(canvas, series, {xTitle = 's', yTitle = '', y2Title = '', title = '', yMax, marks = []} = {}) {
  if (!canvas) return null;
  const scales = {
    x: {type: 'linear', title: {display: true, text: xTitle}},
    y: {beginAtZero: true, min: 0, max: yMax, title: {display: !!yTitle, text: yTitle}},
  };
  const y1 = rightScale(series, y2Title);
  if (y1) scales.y1 = y1;
  const chart = new window.Chart(canvas, {
    type: 'line',
    plugins: [background, markerLines],
    data: {
      datasets: series.map((s, i) => ({
        label: s.label, unit: s.unit, data: s.points, borderColor: s.color || color(i), backgroundColor: s.color || color(i),
        pointRadius: 0, borderWidth: 1.5, spanGaps: false, yAxisID: s.axis || 'y', hidden: !!s.hidden,
      })),
    },
    options: {
      maintainAspectRatio: false, animation: false, parsing: false, locale: getLang(),
      interaction: {mode: 'nearest', axis: 'x', intersect: false},
      plugins: {title: {display: !!title, text: title}, legend: {labels: legendLabels}, cllmMarkers: {marks},
                tooltip: {enabled: false, external: htmlTooltip(ds => ds.unit || '')}},
      scales,
    },
  });
  return finish(chart, {zoom: true});
}
