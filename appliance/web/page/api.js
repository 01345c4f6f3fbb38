// Every call to the box: JSON in and out, the session's CSRF token on every change.
let csrf = '';
export const setCsrf = (token) => { csrf = token || ''; };

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(typeof e === 'string' ? e : e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code;
    this.field = e.field;
  }
}

export async function api(path, method = 'GET', body, type = 'application/json') {
  const headers = {};
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  if (body !== undefined) headers['content-type'] = type;
  const payload = body === undefined || type !== 'application/json' ? body : JSON.stringify(body);
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
  const data = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
