import { api } from './api.js';
import { $, el, onSubmit, showError, clearErrors, formBody } from './forms.js';

// The devices tab's own forms: rename/remove, Zigbee pairing, BLE adoption, GPIO naming.
let countdown, pairingRefresh, refreshDevices;

// Options are rebuilt only when they change, so a refresh never swaps the choice under the user's finger.
function fillSelect(select, options) {
  const key = JSON.stringify(options);
  if (select.dataset.key === key) return;
  const value = select.value;
  select.dataset.key = key;
  select.replaceChildren(...options.map(([v, label]) => el('option', { value: String(v) }, label)));
  if (options.some(([v]) => String(v) === value)) select.value = value;
}

export function fillDevicePick(devices) {
  fillSelect($('#device-pick'), devices.map((d) => [d.id, `${d.name} (${d.id})`]));
}

const answer = (target) => (r) => { $(target).textContent = r.message; refreshDevices(); };

async function removeDevice() {
  const form = $('#form-device');
  clearErrors(form);
  try {
    answer('#device-answer')(await api('/api/devices/remove', 'POST', { device: form.elements.device.value }));
  } catch (error) {
    showError(form, error);
  }
}

function listPaired(state) {
  $('#zigbee-paired').replaceChildren(...(state.paired || []).map((d) => el('li', { 'data-paired': d.id }, `${d.name} (${d.model}): interview ${d.interview}`)));
}

// While pairing is open the table refreshes every 2 s, so a device that joins shows up without a reload.
function showPairing(state) {
  clearInterval(countdown);
  clearInterval(pairingRefresh);
  const out = $('#zigbee-state');
  if (!state.available) return void (out.textContent = `Not available: ${state.reason}`);
  listPaired(state);
  const tick = () => {
    const left = Math.round(((state.permitJoinEnd ?? 0) - Date.now()) / 1000);
    out.textContent = left > 0 ? `Pairing open: ${left} s left. Put the device in pairing mode now.` : 'Pairing closed.';
    if (left <= 0) { clearInterval(countdown); clearInterval(pairingRefresh); }
  };
  tick();
  if ((state.permitJoinEnd ?? 0) > Date.now()) {
    countdown = setInterval(tick, 1000);
    pairingRefresh = setInterval(() => { refreshDevices(); api('/api/zigbee').then(listPaired, () => undefined); }, 2000);
  }
}

async function refreshBle() {
  const ble = await api('/api/ble');
  const box = $('#ble-found');
  $('#form-ble').hidden = !ble.available;
  if (!ble.available) return void box.replaceChildren(el('p', {}, `Not available: ${ble.reason}`));
  if (!ble.discovered.length) return void box.replaceChildren(el('p', {}, 'No new tags in range.'));
  box.replaceChildren(el('div', { class: 'scroll' }, el('table', {},
    el('tr', {}, el('th', {}, 'Tag'), el('th', {}, 'Format'), el('th', {}, 'Signal'), el('th', {}, '')),
    ...ble.discovered.slice(0, 20).map((t) => el('tr', { 'data-tag': t.address },
      el('td', {}, t.localName || '', el('br'), el('small', {}, t.address)),
      el('td', {}, t.format === 'BLE_KEY_MISSING' ? 'encrypted BTHome: key needed' : t.format),
      el('td', {}, `${t.rssi} dBm`),
      el('td', {}, el('button', { type: 'button', onclick: () => { $('#form-ble').elements.address.value = t.address; $('#form-ble').elements.name.focus(); } }, 'Adopt…')))))));
}

async function refreshGpio() {
  const { pins } = await api('/api/gpio');
  fillSelect($('#gpio-pins'), pins.map((p) => [p.pin, `GPIO ${p.pin}${p.name ? `: ${p.name}${p.kind ? ` (${p.kind})` : ''}` : ' (free)'}`]));
}

export function refreshDevicePanels() {
  return Promise.all([api('/api/zigbee').then(showPairing), refreshBle(), refreshGpio()]);
}

let wired = false;
export function wireDevicePanels(refresh) {
  refreshDevices = refresh;
  if (wired) return;
  wired = true;
  onSubmit($('#form-device'), '/api/devices/rename', 'POST', answer('#device-answer'));
  $('#device-remove').addEventListener('click', removeDevice);
  onSubmit($('#form-zigbee'), '/api/zigbee/permit-join', 'POST', showPairing);
  $('#zigbee-stop').addEventListener('click', () => api('/api/zigbee/permit-join', 'POST', { seconds: 0 }).then(showPairing, (e) => showError($('#form-zigbee'), e)));
  onSubmit($('#form-ble'), '/api/ble/adopt', 'POST', (r) => { answer('#ble-answer')(r); refreshBle(); });
  onSubmit($('#form-gpio'), '/api/gpio/pins', 'POST', (r) => { answer('#gpio-answer')(r); refreshGpio(); }, (form) => {
    const body = formBody(form);
    if (body.kind === 'input') body.metric = 'contact';
    return body;
  });
}

export function stopDevicePanels() {
  clearInterval(countdown);
  clearInterval(pairingRefresh);
}
