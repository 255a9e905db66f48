// Thin layer over Chart.js (window.Chart, loaded as a classic script): grouped bars with optional error bars,
// line charts for time series, and lines over categories (per concurrency level). Every chart is remembered by
// its canvas so re-rendering replaces it.
import {getLang, t} from './i18n.js';

export const palette = ['#4269d0', '#efb118', '#ff725c', '#6cc5b0', '#3ca951', '#ff8ab7', '#a463f2', '#97bbf5'];

// Draws ±std whiskers over bars; Chart.js has no error bars built in.
const errorBars = {
  id: 'cllmErrorBars',
  afterDatasetsDraw(chart) {
    const {ctx} = chart;
    ctx.save();
    ctx.strokeStyle = '#222';
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
  return canvas;
}

// series: [{label, data: [...], std?: [...], axis?: 'y1'}] over the category labels.
// A series with axis 'y1' goes on a second scale at the right (unit2).
export function barChart(canvas, labels, series, {unit = '', unit2 = '', title = '', legend = true} = {}) {
  if (!canvas) return null;
  const withStd = series.some(s => s.std && s.std.some(v => v != null));
  const scales = {y: {beginAtZero: true, title: {display: !!unit, text: unit}}};
  if (series.some(s => s.axis === 'y1'))
    scales.y1 = {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false},
                 title: {display: !!unit2, text: unit2}};
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
  if (series.some(s => s.axis === 'y1'))
    scales.y1 = {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false},
                 title: {display: !!unit2, text: unit2}};
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
  if (series.some(s => s.axis === 'y1'))
    scales.y1 = {position: 'right', beginAtZero: true, grid: {drawOnChartArea: false},
                 title: {display: !!y2Title, text: y2Title}};
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
