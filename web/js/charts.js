// Thin layer over Chart.js (window.Chart, loaded as a classic script): grouped bars with optional error bars,
// line charts for time series, and lines over categories (per concurrency level).
import {getLang, t} from './i18n.js';
import {h} from './ui.js';

export const palette = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5'];

// Draws ±std whiskers over bars; Chart.js has no error bars built in.
const errorBars = {
  id: 'cllmErrorBars',
  afterDatasetsDraw(chart) {
    const {ctx} = chart;
    ctx.save();
    ctx.strokeStyle = themeColors();
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

// Text, grid and whisker colours from the page's CSS (light or dark theme), set before each chart is made.
function themeColors() {
  const css = getComputedStyle(document.documentElement);
  const fg = css.getPropertyValue('--fg').trim() || '#1d2330';
  window.Chart.defaults.color = css.getPropertyValue('--muted').trim() || '#5b6475';
  window.Chart.defaults.borderColor = css.getPropertyValue('--line').trim() || '#d9dde5';
  return fg;
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
  if (name) canvas.dataset.chart = name;
  box.appendChild(canvas);
  themeColors();
  return canvas;
}

// A titled chart card appended to parent: draw(canvas) fills it, or a "no data" line when has is false.
// small: a plain box with an h4 title and a small chart (for grids of several per section).
export function chartCard(parent, title, name, has, draw, {small = false} = {}) {
  const card = small ? h('div', {}, h('h4', {}, title)) : h('div', {class: 'card'}, h('h3', {}, title));
  parent.appendChild(card);
  if (!has) { card.appendChild(h('p', {class: 'muted'}, t('res.no_data'))); return; }
  draw(chartBox(card, {small, name}));
}

// The second value scale at the right, for series with axis 'y1'; undefined when none has.
function rightScale(series, text) {
  if (!series.some(s => s.axis === 'y1')) return undefined;
  return {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false}, title: {display: !!text, text}};
}

// series: [{label, data: [...], std?: [...], axis?: 'y1'}] over the category labels.
// A series with axis 'y1' goes on a second scale at the right (unit2).
export function barChart(canvas, labels, series, {unit = '', unit2 = '', title = '', legend = true} = {}) {
  if (!canvas) return null;
  const withStd = series.some(s => s.std && s.std.some(v => v != null));
  const scales = {y: {beginAtZero: true, title: {display: !!unit, text: unit}}};
  const y1 = rightScale(series, unit2);
  if (y1) scales.y1 = y1;
  // the scale reaches the top whisker, not only the top bar
  for (const [id, scale] of Object.entries(scales)) {
    const tops = series.filter(s => (s.axis || 'y') === id && s.std)
      .flatMap(s => s.data.map((v, i) => (v != null && s.std[i] != null ? v + s.std[i] : null))).filter(v => v != null);
    if (tops.length) scale.suggestedMax = Math.max(...tops);
  }
  return new window.Chart(canvas, {
    type: 'bar',
    plugins: withStd ? [errorBars] : [],
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label, data: s.data, std: s.std, backgroundColor: s.color || palette[i % palette.length],
        yAxisID: s.axis || 'y',
      })),
    },
    options: {
      maintainAspectRatio: false, animation: false, locale: getLang(),
      plugins: {title: {display: !!title, text: title}, legend: {display: legend}},
      scales,
    },
  });
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
  return new window.Chart(canvas, {
    type: 'line',
    data: {
      labels,
      datasets: series.map((s, i) => {
        const color = s.color || palette[i % palette.length];
        return {label: s.label, data: s.data, borderColor: color, backgroundColor: color, pointRadius: 4,
                borderWidth: 2, borderDash: s.dash, spanGaps: false, yAxisID: s.axis || 'y'};
      }),
    },
    options: {
      maintainAspectRatio: false, animation: false, locale: getLang(),
      plugins: {title: {display: !!title, text: title},
                legend: {labels: {usePointStyle: true, boxWidth: 8, boxHeight: 8}}},
      scales,
    },
  });
}

// series: [{label, points: [{x, y}]}]; x in seconds.
// A series with axis 'y1' goes on a second scale at the right (y2Title).
export function lineChart(canvas, series, {xTitle = 's', yTitle = '', y2Title = '', title = ''} = {}) {
  if (!canvas) return null;
  const scales = {
    x: {type: 'linear', title: {display: true, text: xTitle}},
    y: {beginAtZero: true, title: {display: !!yTitle, text: yTitle}},
  };
  const y1 = rightScale(series, y2Title);
  if (y1) scales.y1 = y1;
  return new window.Chart(canvas, {
    type: 'line',
    data: {
      datasets: series.map((s, i) => ({
        label: s.label, data: s.points, borderColor: palette[i % palette.length], pointRadius: 0,
        borderWidth: 1.5, spanGaps: false, yAxisID: s.axis || 'y',
      })),
    },
    options: {
      maintainAspectRatio: false, animation: false, parsing: false, locale: getLang(),
      plugins: {title: {display: !!title, text: title}},
      scales,
    },
  });
}
