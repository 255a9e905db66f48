/* The self-contained HTML report of `computellm compare --html` (see compare.h). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report/compare.h"
#include "report/compare_html.h"

const char *cllm_compare_chart_js(size_t *len)
{
    if (len)
        *len = cllm_chart_js_embedded_len;
    return cllm_chart_js_embedded_len ? (const char *)cllm_chart_js_embedded : NULL;
}

/* Writes text inside a <script> element: "</script" would end it early, so its slash is escaped. */
static void write_script_text(FILE *out, const char *s, bool escape_all_close_tags)
{
    for (; *s; s++) {
        if (s[0] == '<' && s[1] == '/' &&
            (escape_all_close_tags || strncasecmp(s + 2, "script", 6) == 0)) {
            fputs("<\\/", out);
            s++;
            continue;
        }
        fputc(*s, out);
    }
}

static const char report_css[] =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fafafa}"
    "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}"
    "table{border-collapse:collapse;font-size:.9em;background:#fff}"
    "th,td{border:1px solid #ccc;padding:.25em .6em}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.fam td{background:#eef;font-weight:600}.chart{max-width:900px;height:320px;background:#fff;margin:.5em 0}"
    ".lower{color:#a40}.note{color:#555;font-size:.9em}";

/* The report's script: reads the JSON, draws one grouped bar chart per family and the ratio table. */
static const char report_js[] =
    "(function(){\n"
    "const data = JSON.parse(document.getElementById('cllm-data').textContent);\n"
    "const fmt = v => v === null ? '\\u2014' : (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? "
    "v.toFixed(2) : v.toPrecision(3));\n"
    "const colors = ['#4269d0','#efb118','#ff725c','#6cc5b0','#3ca951','#ff8ab7','#a463f2','#97bbf5'];\n"
    "const machines = data.machines, base = data.baseline;\n"
    "const legend = document.getElementById('machines');\n"
    "machines.forEach((m, i) => { const li = document.createElement('li');\n"
    "  li.textContent = `[${i + 1}] ${m.label}` + (i === base ? ' (baseline)' : '') + (m.origin ? ` \\u2014 ${m.origin}` : '');\n"
    "  legend.appendChild(li); });\n"
    "const families = [];\n"
    "for (const r of data.rows) { let f = families.find(x => x.key === r.family);\n"
    "  if (!f) { f = {key: r.family, title: r.family_title, unit: r.unit, better: r.better, rows: []}; families.push(f); }\n"
    "  f.rows.push(r); }\n"
    "/* error bars from std: drawn after the bars, as Chart.js has none built in */\n"
    "const errorBars = {id: 'cllmErrorBars', afterDatasetsDraw(chart) {\n"
    "  const ctx = chart.ctx; ctx.save(); ctx.strokeStyle = '#222';\n"
    "  chart.data.datasets.forEach((ds, di) => { if (!ds.std) return;\n"
    "    chart.getDatasetMeta(di).data.forEach((bar, i) => { const v = ds.data[i], s = ds.std[i];\n"
    "      if (v === null || s === null || s === undefined) return;\n"
    "      const y = chart.scales.y, top = y.getPixelForValue(v + s), bot = y.getPixelForValue(Math.max(0, v - s));\n"
    "      ctx.beginPath(); ctx.moveTo(bar.x, top); ctx.lineTo(bar.x, bot);\n"
    "      ctx.moveTo(bar.x - 4, top); ctx.lineTo(bar.x + 4, top); ctx.moveTo(bar.x - 4, bot); ctx.lineTo(bar.x + 4, bot);\n"
    "      ctx.stroke(); }); }); ctx.restore(); }};\n"
    "const charts = document.getElementById('charts');\n"
    "for (const f of families) {\n"
    "  const h = document.createElement('h2');\n"
    "  h.textContent = `${f.title} (${f.unit}, ${f.better} is better)`; charts.appendChild(h);\n"
    "  const box = document.createElement('div'); box.className = 'chart'; charts.appendChild(box);\n"
    "  if (typeof Chart === 'undefined') { box.textContent = 'no charts: the chart library (Chart.js) was not available when this report was made (see the warning computellm compare printed)'; box.style.height = 'auto'; continue; }\n"
    "  const canvas = document.createElement('canvas'); canvas.dataset.family = f.key; box.appendChild(canvas);\n"
    "  new Chart(canvas, {type: 'bar', plugins: [errorBars], data: {labels: f.rows.map(r => r.name),\n"
    "    datasets: machines.map((m, i) => ({label: `[${i + 1}] ${m.label}`, backgroundColor: colors[i % colors.length],\n"
    "      data: f.rows.map(r => r.values[i]), std: f.rows.map(r => r.std[i])}))},\n"
    "    options: {maintainAspectRatio: false, animation: false, scales: {y: {beginAtZero: true, title: {display: true, text: f.unit}}}}});\n"
    "}\n"
    "const t = document.getElementById('table');\n"
    "const head = ['metric', 'unit', 'better'].concat(machines.map((m, i) => `[${i + 1}]`),\n"
    "  machines.map((m, i) => i).filter(i => i !== base).map(i => `[${i + 1}]/[${base + 1}]`),\n"
    "  machines.map((m, i) => i).filter(i => i !== base).map(i => `[${i + 1}] vs [${base + 1}]`));\n"
    "const tr = document.createElement('tr'); head.forEach(x => { const th = document.createElement('th'); th.textContent = x; tr.appendChild(th); });\n"
    "t.appendChild(tr);\n"
    "for (const r of data.rows) { const row = document.createElement('tr');\n"
    "  const cells = [[`${r.family_title} ${r.name}`, ''], [r.unit, ''], [r.better, r.better === 'lower' ? 'lower' : '']]\n"
    "    .concat(r.values.map(v => [fmt(v), 'n']),\n"
    "      r.ratios.map((v, i) => [i, v]).filter(x => x[0] !== base).map(x => [x[1] === null ? '\\u2014' : x[1].toFixed(2) + 'x', 'n']),\n"
    "      (r.stats || []).map((s, i) => [i, s]).filter(x => x[0] !== base).map(x => [x[1] ? x[1].text : '\\u2014', '']));\n"
    "  cells.forEach(([text, cls]) => { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; row.appendChild(td); });\n"
    "  t.appendChild(row); }\n"
    "document.body.dataset.ready = '1';\n"
    "})();\n";

enum cllm_status cllm_compare_write_html(const struct cllm_compare_table *t, const char *chart_js, FILE *out)
{
    cJSON *j = cllm_compare_to_json(t);
    char *text;

    if (!j)
        return CLLM_ERR_NOMEM;
    text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!text)
        return CLLM_ERR_NOMEM;
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<title>ComputeLLM comparison</title>\n<style>%s</style>\n",
            report_css);
    if (chart_js) {
        fputs("<script>\n", out);
        write_script_text(out, chart_js, false);
        fputs("\n</script>\n", out);
    }
    fputs("</head>\n<body>\n<h1>ComputeLLM comparison</h1>\n<ol id=\"machines\" style=\"list-style:none;padding:0\">"
          "</ol>\n<p class=\"note\">Ratios are [n]/[baseline]. For latency and memory lower is better; for "
          "everything else higher is better. [n] vs [baseline]: Welch's t test on the means of the per-run "
          "samples at 95 %, "
          "the ratio of the means with Fieller's 95 % confidence interval; \"not enough runs\" below 2 samples a "
          "side.</p>\n<div id=\"charts\"></div>\n<h2>Table</h2>\n"
          "<table id=\"table\"></table>\n<script type=\"application/json\" id=\"cllm-data\">",
          out);
    write_script_text(out, text, true);
    free(text);
    fputs("</script>\n<script>\n", out);
    fputs(report_js, out);
    fputs("</script>\n</body>\n</html>\n", out);
    return ferror(out) ? CLLM_ERR_IO : CLLM_OK;
}
