import { api, setCsrf } from './api.js';
import { $, clearErrors, formBody, onSubmit, showError } from './forms.js';
import { startHome, stopHome } from './home.js';
import { placeNetwork, wireSettings } from './settings.js';

const SCREENS = ['code', 'setup', 'login', 'home'];

function show(name) {
  for (const s of SCREENS) $(`#screen-${s}`).hidden = s !== name;
  $('#logout').hidden = name !== 'home';
  document.body.dataset.screen = name;
}

async function boot() {
  const state = await api('/api/session');
  setCsrf(state.session?.csrf);
  $('#site').textContent = state.site ? state.site.siteName : '';
  if (!state.setupDone) return show(state.session?.role === 'setup' ? 'setup' : 'code');
  if (state.session?.role !== 'admin') return show('login');
  show('home');
  startHome();
}

function enterSetup(answer) {
  setCsrf(answer.csrf);
  const form = $('#form-setup');
  const defaults = answer.defaults || {};
  form.elements.nodeName.value = defaults.nodeId || '';
  form.elements.timeZone.value = defaults.timeZone || 'UTC';
  form.elements['mqtt.url'].value = defaults.mqttUrl || '';
  wireSettings();
  placeNetwork($('#setup-network'));
  show('setup');
}

function signedIn(answer) {
  setCsrf(answer.csrf);
  for (const f of document.forms) f.reset();
  boot();
}

onSubmit($('#form-code'), '/api/setup/code', 'POST', enterSetup);
onSubmit($('#form-setup'), '/api/setup', 'POST', signedIn);
onSubmit($('#form-login'), '/api/login', 'POST', signedIn);

$('#mqtt-test').addEventListener('click', async () => {
  const form = $('#form-setup');
  clearErrors(form);
  const out = $('#mqtt-answer');
  out.textContent = 'connecting…';
  try {
    const answer = await api('/api/setup/mqtt-test', 'POST', formBody(form).mqtt || { url: '' });
    out.textContent = `${answer.ok ? '✔' : '✘'} ${answer.answer} (${answer.ms} ms)`;
  } catch (error) {
    out.textContent = '';
    showError(form, error);
  }
});

$('#logout').addEventListener('click', async () => {
  stopHome();
  await api('/api/logout', 'POST').catch(() => undefined);
  setCsrf('');
  boot();
});

// A session that ended elsewhere (restart, password change) sends the page back to the login.
window.addEventListener('outpost:unauthorised', () => { stopHome(); boot(); });

boot().catch((error) => { document.querySelector('main').textContent = `Outpost is not answering: ${error.message}`; });
