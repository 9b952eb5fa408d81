// The console's way to the REST API: every call carries the API token in its Authorization header (never a
// cookie: no request forgery from other sites), and the live events are read with fetch for the same reason
// (EventSource cannot send a header).

const KEY = 'labforge-token';

export class NotAllowed extends Error {}

export const token = {
  get: () => sessionStorage.getItem(KEY),
  set: t => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
};

let onUnauthenticated = () => {};
export function whenSignedOut(f) { onUnauthenticated = f; }

/** fetch with the token; 401 asks to sign in again, any other refusal throws the server's problem text. */
export async function api(path, init = {}) {
  const t = token.get();
  const r = await fetch(path, {...init, headers: {...(init.headers || {}), ...(t ? {Authorization: 'Bearer ' + t} : {})}});
  if (r.status === 401) {
    const p = await r.json().catch(() => ({}));
    onUnauthenticated(p.detail || 'sign in with an API token');
    throw new NotAllowed(p.detail || 'not signed in');
  }
  if (!r.ok) {
    const p = await r.json().catch(() => ({}));
    const e = new Error(p.detail || p.title || ('HTTP ' + r.status));
    e.problem = p;
    e.status = r.status;
    throw e;
  }
  return r;
}

export const json = async (path, init) => (await api(path, init)).json();

/**
 * Follows a saga's server-sent events (GET /api/sagas/{id}/events): calls onUpdate with each update's JSON.
 * Reconnects with Last-Event-ID after a dropped connection, so nothing is missed; stops when abort fires.
 */
export async function follow(id, onUpdate, abort) {
  let last = null;
  while (!abort.signal.aborted) {
    try {
      const headers = {Accept: 'text/event-stream', ...(last ? {'Last-Event-ID': last} : {})};
      const r = await api(`/api/sagas/${id}/events`, {signal: abort.signal, headers});
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const event = (lines.find(l => l.startsWith('event:')) || '').slice(6).trim();
          const seq = (lines.find(l => l.startsWith('id:')) || '').slice(3).trim();
          if (seq) last = seq;
          const data = lines.filter(l => l.startsWith('data:')).map(l => l.slice(5)).join('\n');
          if (event === 'update') onUpdate(JSON.parse(data));
        }
      }
    } catch (e) {
      if (abort.signal.aborted || e instanceof NotAllowed) return;
    }
    await new Promise(res => setTimeout(res, 2000));
  }
}

export const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));

/** "1.2 s", "3 min 4 s" between two instants (the second defaults to now). */
export function duration(from, to) {
  if (!from) return '';
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

/** Asks before an action that changes hosts; resolves true when confirmed. */
export function confirmAction(title, text, ok = 'Confirm') {
  const d = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = ok;
  return new Promise(resolve => {
    d.addEventListener('close', () => resolve(d.returnValue === 'ok'), {once: true});
    d.showModal();
  });
}
