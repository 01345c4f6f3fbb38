import { api } from './api.js';
import { $, el, onSubmit } from './forms.js';

// The settings tab: site, time zone and broker, and the network through NetworkManager.

function describe(r) {
  const zone = r.timeZone.applied ? 'time zone set on the system' : `time zone kept for the page only (${r.timeZone.reason})`;
  const uplink = r.uplink === 'after-restart' ? '; node name and broker apply with "Apply now" below' : '';
  return `Saved: site name applied; ${zone}${uplink}.`;
}

export function showNetwork(n) {
  $('#network').textContent = n.available ? n.devices.map((d) => `${d.device} (${d.type}) ${d.state} ${d.connection}`).join('; ') : `Not available: ${n.reason}`;
  $('#network-forms').hidden = !n.available;
  if (!n.available) return;
  const select = $('#network-devices');
  const value = select.value;
  select.replaceChildren(...n.devices.filter((d) => d.type === 'ethernet' || d.type === 'wifi').map((d) => el('option', { value: d.device }, `${d.device} (${d.connection || 'no connection'})`)));
  if (value) select.value = value;
}

// One set of network forms: in the setup screen at first boot, in the settings tab afterwards.
export function placeNetwork(box) {
  box.append($('#network'), $('#network-forms'));
  api('/api/network').then(showNetwork, (error) => ($('#network').textContent = `Not available: ${error.message}`));
}

export async function loadSettings() {
  const s = await api('/api/settings');
  const form = $('#form-settings');
  form.elements.siteName.value = s.site?.siteName ?? '';
  form.elements.nodeName.value = s.nodeId;
  form.elements.timeZone.value = s.site?.timeZone ?? 'UTC';
  $('#current-broker').textContent = s.mqttUrl || 'no broker';
}

// The services restart in-process: the session is kept, and health says when they are back.
async function applySavedChanges() {
  const answer = $('#apply-answer');
  try {
    await api('/api/system/apply', 'POST');
  } catch (error) {
    answer.textContent = error.message;
    return;
  }
  answer.textContent = 'restarting the services…';
  for (let i = 0; i < 120; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const ok = await fetch('/api/health').then((r) => r.ok, () => false);
    if (ok) {
      answer.textContent = 'applied';
      return;
    }
  }
  answer.textContent = 'the services have not come back after 2 minutes: see the log';
}

let wired = false;
export function wireSettings() {
  if (wired) return;
  wired = true;
  onSubmit($('#form-settings'), '/api/settings', 'PUT', (r) => {
    $('#settings-answer').textContent = describe(r);
    $('#site').textContent = $('#form-settings').elements.siteName.value;
  });
  $('#apply-now').addEventListener('click', applySavedChanges);
  const applied = (target) => (n) => { $(target).textContent = 'applied'; showNetwork(n); };
  onSubmit($('#form-wifi'), '/api/network/wifi', 'POST', applied('#wifi-answer'));
  onSubmit($('#form-ipv4'), '/api/network/ipv4', 'POST', applied('#ipv4-answer'));
}
