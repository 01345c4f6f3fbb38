import { api } from './api.js';

// A form's fields as the API's body: dotted names nest (mqtt.url), data-type="int" fields are numbers, empty ones are left out.
export function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.value === '') continue;
    const value = el.dataset.type === 'int' ? Number(el.value) : el.value;
    const path = el.name.split('.');
    let target = body;
    for (const key of path.slice(0, -1)) target = target[key] ??= {};
    target[path[path.length - 1]] = value;
  }
  return body;
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.error,.form-error')) el.textContent = '';
}

// The server's message goes next to the field it names, or under the form when it names none.
export function showError(form, error) {
  const slot = (error.field && form.querySelector(`[data-error-for="${CSS.escape(error.field)}"]`)) || form.querySelector('.form-error');
  if (slot) slot.textContent = error.message;
}

export function onSubmit(form, path, method, done, body = formBody) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      done(await api(path, method, body(form)));
    } catch (error) {
      showError(form, error);
    }
  });
}

export const $ = (selector) => document.querySelector(selector);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}
