import { api } from './api.js';
import { $, clearErrors, showError } from './forms.js';

// The anomaly model: what runs, what a rollback returns to, a signed package to install.
const name = (m) => (m ? `${m.name} ${m.version}` : 'none');
// The outcome of this page's last install or rollback, kept across the periodic refresh.
let outcome = '';

function show(status) {
  if (status.result) outcome = `${status.result}; `;
  $('#model-state').textContent = `${outcome}running ${name(status.running)}; previous ${name(status.previous)}`;
  $('#model-rollback').disabled = !status.previous;
}

export async function refreshModels() {
  try {
    show(await api('/api/models'));
  } catch (error) {
    if (error.status === 401) throw error;
    // Detection off, or a release without the routes: say so instead of leaving a stale state.
    $('#model-state').textContent = error.status === 404 ? 'Models: not available in this release' : error.message;
    $('#model-rollback').disabled = true;
  }
}

async function upload(event) {
  event.preventDefault();
  const form = event.target;
  clearErrors(form);
  const file = form.elements.package.files[0];
  if (!file) return showError(form, { field: 'package', message: 'choose a model package first' });
  try {
    const r = await api('/api/models', 'POST', file, 'application/octet-stream');
    show(r);
    form.reset();
  } catch (error) {
    // The refusal names no field, but it is about the file: its reason goes next to it.
    showError(form, { field: 'package', message: error.message });
  }
}

async function rollback() {
  const form = $('#form-model');
  clearErrors(form);
  try {
    show(await api('/api/models/rollback', 'POST'));
  } catch (error) {
    showError(form, { message: error.message });
  }
}

export function wireModels() {
  $('#form-model').addEventListener('submit', upload);
  $('#model-rollback').addEventListener('click', rollback);
}
