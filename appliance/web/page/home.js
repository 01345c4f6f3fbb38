import { api } from './api.js';
import { LineChart } from './chart.js';
import { fillDevicePick, refreshDevicePanels, stopDevicePanels, wireDevicePanels } from './devices.js';
import { loadSettings, placeNetwork, showNetwork, wireSettings } from './settings.js';
import { refreshModels, wireModels } from './models.js';
import { $, el, onSubmit, showError, clearErrors, formBody } from './forms.js';

let timer, source, chart;
const fmt = (ts) => (ts ? new Date(ts).toLocaleTimeString() : '—');
const bytes = (n) => (n == null ? '—' : n > 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n > 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${Math.round(n / 1e3)} kB`);

async function load(fn) {
  try { await fn(); } catch (error) {
    if (error.status === 401) window.dispatchEvent(new Event('outpost:unauthorised'));
  }
}

async function refreshDevices() {
  const [devices, latest, pending] = await Promise.all([api('/api/devices'), api('/api/readings/latest'), api('/api/devices/pending')]);
  fillDevicePick(devices);
  const values = new Map();
  for (const r of latest) values.set(r.device, [...(values.get(r.device) || []), r]);
  const byProtocol = Map.groupBy ? Map.groupBy(devices, (d) => d.protocol) : new Map([['modbus', devices]]);
  const box = $('#devices');
  box.replaceChildren();
  for (const [protocol, list] of byProtocol) {
    const rows = list.map((d) => el('tr', { 'data-device': d.id },
      el('td', {}, d.name, el('br'), el('small', {}, d.id), pending[d.id] ? el('br') : null, pending[d.id] ? el('small', { class: 'pending' }, pending[d.id]) : null),
      el('td', { class: d.health.state }, d.health.state, d.health.reason ? el('br') : null, d.health.reason ? el('small', {}, d.health.reason) : null),
      el('td', {}, fmt(d.health.lastSeen)),
      el('td', { class: 'values' }, (values.get(d.id) || []).slice(0, 6).map((r) => `${r.metric} ${+r.value.toFixed(2)} ${r.unit}`).join(', '))));
    box.append(el('h3', {}, `${protocol} (${list.length})`), el('div', { class: 'scroll' }, el('table', {}, el('tr', {}, el('th', {}, 'Device'), el('th', {}, 'Health'), el('th', {}, 'Last seen'), el('th', {}, 'Values')), ...rows)));
  }
  const select = $('#series');
  if (select.options.length === 0) {
    for (const r of latest) select.append(el('option', { value: `${r.device}|${r.metric}` }, `${r.device} ${r.metric}`));
    if (latest.length) selectSeries(select.value);
  }
}

async function refreshAlerts() {
  const alerts = await api('/api/alerts');
  const open = alerts.filter((a) => a.state === 'raised' && a.ackedTs === null);
  $('#alert-count').textContent = open.length ? String(open.length) : '';
  $('#alerts').replaceChildren(el('div', { class: 'scroll' }, el('table', {},
    el('tr', {}, el('th', {}, 'When'), el('th', {}, 'Alert'), el('th', {}, 'Score / value'), el('th', {}, '')),
    ...alerts.map((a) => el('tr', { 'data-alert': a.id, class: a.state === 'raised' && a.ackedTs === null ? 'bad' : '' },
      el('td', {}, fmt(a.ts)),
      el('td', {}, `${a.kind} ${a.state}: ${a.message}`, el('br'), el('small', {}, `${a.device} ${a.metric ?? ''}`)),
      el('td', {}, `${a.score ?? '—'} / ${a.value ?? '—'}`),
      el('td', {}, a.state === 'raised' && a.ackedTs === null ? el('button', { onclick: () => load(async () => { await api(`/api/alerts/${a.id}/ack`, 'POST'); await refreshAlerts(); }) }, 'Acknowledge') : a.ackedTs ? `acknowledged ${fmt(a.ackedTs)}` : ''))))));
}

function dl(target, pairs) {
  $(target).replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, String(v))]));
}

async function refreshStatus() {
  const [u, s, n] = await Promise.all([api('/api/uplink'), api('/api/system'), api('/api/network')]);
  const each = Object.entries(u.uplinks || {});
  dl('#uplink', [['State', u.state], ['Broker', u.broker || 'none configured'], ['Last error', u.lastError || '—'], ['Published since start', u.published ?? 0],
    ['Last publish', u.lastPublishAt ? `${fmt(u.lastPublishAt)} (${Math.round((Date.now() - u.lastPublishAt) / 1000)} s ago)` : 'none since start'],
    ...(each.length > 1 ? each.map(([name, x]) => [`Uplink ${name}`, `${x.state}, ${x.published} published, last ${fmt(x.lastPublishAt)}`]) : []),
    ['Backlog', u.outbox ? `${u.outbox.depth} messages, ${bytes(u.outbox.bytes)}` : '—'], ['Oldest queued seq', u.outbox?.oldestSeq ?? '—'], ['Dropped by retention', u.outbox?.dropped ?? 0]]);
  dl('#system', [['Version', s.version], ['Uptime', `${Math.round(s.uptimeSeconds / 60)} min (outpost ${Math.round(s.processUptimeSeconds / 60)} min)`],
    ['CPU', `${s.cpu.cores} cores, load ${s.cpu.load1.toFixed(2)}`], ['Memory', `${bytes(s.memory.availableBytes)} free of ${bytes(s.memory.totalBytes)}; outpost ${bytes(s.memory.processRssBytes)}`],
    ['Disk', s.disk ? `${bytes(s.disk.freeBytes)} free of ${bytes(s.disk.totalBytes)}` : '—'], ['SoC temperature', s.socTemperatureC == null ? 'not exposed by this board' : `${s.socTemperatureC} °C`],
    ['Written to flash', bytes(s.bytesWritten)]]);
  showNetwork(n);
}

// Updates come from the update agent's routes; a release without them says so instead of failing.
let updates;
function watchUpdates() {
  const show = (u) => ($('#update-state').textContent = `running ${u.running}; ${u.update ? `update ${u.update.version ?? ''} ${u.update.step ?? u.update.state ?? ''}` : 'no update in progress'}${u.refused ? `; last refused: ${u.refused.reason ?? u.refused.code ?? ''}` : ''}`);
  api('/api/updates').then((u) => {
    show(u);
    updates?.close();
    updates = new EventSource('/api/updates/events');
    updates.addEventListener('update', (e) => show(JSON.parse(e.data)));
  }, (error) => ($('#update-state').textContent = error.status === 404 ? 'Updates: not available in this release' : `Updates: ${error.message}`));
}

async function uploadBundle(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const file = form.elements.bundle.files[0];
  if (!file) return showError(form, { message: 'choose a bundle file first' });
  try {
    const r = await api('/api/updates', 'POST', file, 'application/octet-stream');
    $('#update-state').textContent = `uploaded ${r.version}: ${r.state}`;
  } catch (error) {
    showError(form, error);
  }
}

function selectSeries(value) {
  const [device, metric] = value.split('|');
  chart.reset([]);
  source?.close();
  api(`/api/readings?device=${encodeURIComponent(device)}&metric=${encodeURIComponent(metric)}&minutes=5`).then((h) => chart.reset(h), () => undefined);
  source = new EventSource(`/api/live?device=${encodeURIComponent(device)}&metric=${encodeURIComponent(metric)}`);
  source.addEventListener('tick', (e) => {
    const tick = JSON.parse(e.data);
    chart.push(tick.readings);
    const last = tick.readings[tick.readings.length - 1];
    if (last) $('#live-now').textContent = `${metric} now ${+last.value.toFixed(3)} ${last.unit} at ${fmt(last.ts)}`;
    if (tick.alerts.length) load(refreshAlerts);
  });
  api(`/api/summaries?device=${encodeURIComponent(device)}&metric=${encodeURIComponent(metric)}&limit=1`).then(([s]) => {
    $('#live-summary').textContent = s ? `Window ${fmt(s.start)}–${fmt(s.end)}: n ${s.count}, min ${+s.min.toFixed(3)}, mean ${+s.mean.toFixed(3)}, max ${+s.max.toFixed(3)}` : '';
  }, () => undefined);
}

function showTab() {
  const tab = (location.hash || '#devices').slice(1);
  for (const t of document.querySelectorAll('.tab')) t.hidden = t.id !== `tab-${tab}`;
}

async function modbusTest() {
  const form = $('#form-modbus');
  clearErrors(form);
  $('#modbus-answer').textContent = 'reading…';
  try {
    const r = await api('/api/modbus/test-read', 'POST', formBody(form));
    $('#modbus-answer').textContent = r.readings.map((x) => `${x.metric} ${+x.value.toFixed(2)} ${x.unit}`).join(', ');
  } catch (error) {
    $('#modbus-answer').textContent = '';
    showError(form, error);
  }
}

let wired = false;
function wireOnce() {
  if (wired) return;
  wired = true;
  chart = new LineChart($('#chart'));
  window.addEventListener('hashchange', showTab);
  $('#series').addEventListener('change', (e) => selectSeries(e.target.value));
  $('#modbus-test').addEventListener('click', modbusTest);
  wireDevicePanels(() => load(refreshDevices));
  wireSettings();
  $('#form-update').addEventListener('submit', uploadBundle);
  wireModels();
  onSubmit($('#form-modbus'), '/api/modbus/devices', 'POST', (r) => {
    $('#modbus-answer').textContent = `added ${r.device}`;
    load(refreshDevices);
  });
  onSubmit($('#form-password'), '/api/password', 'POST', () => {
    $('#form-password').reset();
    $('#form-password .form-error').textContent = 'password changed';
  });
}

export function startHome() {
  wireOnce();
  showTab();
  placeNetwork($('#settings-network'));
  api('/api/modbus/profiles').then((ps) => $('#profiles').replaceChildren(...ps.map((p) => el('option', { value: p.name }, `${p.name}: ${p.description}`))), () => undefined);
  watchUpdates();
  const all = () => Promise.all([load(refreshDevices), load(refreshAlerts), load(refreshStatus), load(refreshDevicePanels), load(refreshModels)]);
  // The device table first: the forms below it and the settings can wait for the browser's next free connection.
  load(refreshDevices).then(() => Promise.all([load(refreshAlerts), load(refreshStatus), load(refreshDevicePanels), load(loadSettings), load(refreshModels)]));
  timer = setInterval(all, 5000);
}

export function stopHome() {
  clearInterval(timer);
  stopDevicePanels();
  source?.close();
  updates?.close();
  source = undefined;
  $('#series').replaceChildren();
}
