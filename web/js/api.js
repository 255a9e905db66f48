// The server's REST API (docs/api.md). Every call needs the launch token: the URL that `computellm gui` prints
// (?token=...) sets it as an HttpOnly cookie and redirects here, so the page never sees it; fetch sends the cookie
// (same origin). Bodies are always JSON, sent as Content-Type: application/json (the server refuses anything else).
import {t} from './i18n.js';

export class ApiError extends Error {
  constructor(status, message, body) { super(message); this.status = status; this.body = body; }
}

async function request(method, path, body) {
  const init = {method, credentials: 'same-origin', headers: {}};
  if (method !== 'GET') init.headers['Content-Type'] = 'application/json';
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = text; }
  if (res.status === 401) throw new ApiError(401, t('common.unauthorized'), data);
  if (!res.ok) throw new ApiError(res.status, (data && data.error) || `${res.status} ${res.statusText}`, data);
  return data;
}

export const api = {
  hardware: () => request('GET', '/api/hardware'),
  config: () => request('GET', '/api/config'),
  startRun: opts => request('POST', '/api/runs', opts),
  runs: () => request('GET', '/api/runs'),
  // one run: its state, settings, plan and events so far
  run: id => request('GET', `/api/runs/${encodeURIComponent(id)}`),
  cancelRun: id => request('POST', `/api/runs/${encodeURIComponent(id)}/cancel`),
  results: () => request('GET', '/api/results'),
  result: name => request('GET', `/api/results/${encodeURIComponent(name)}`),
  // what the GUI draws of a file, computed by the server (means, sd, fit, variant order): the GUI only formats
  resultView: name => request('GET', `/api/results/${encodeURIComponent(name)}/view`),
  deleteResult: name => request('DELETE', `/api/results/${encodeURIComponent(name)}`),
  importResult: text => request('POST', '/api/results', text),
  // the comparison table of results files (by name), as cllm_compare_to_json builds it; format 'csv' gives its text
  compare: (files, baseline = 0, format = 'json') => request('POST', '/api/compare', {files, baseline, format}),
  csvUrl: name => `/api/results/${encodeURIComponent(name)}/csv`,
  jsonUrl: name => `/api/results/${encodeURIComponent(name)}`,
  eventsUrl: id => `/api/runs/${encodeURIComponent(id)}/events`,
};
