// History page: the provenance record, newest first, a page at a time.
import { authHeaders, el, initPage, problemText, tr } from './common.js';

const form = document.getElementById('filters');
const body = document.getElementById('records-body');
const table = document.getElementById('records');
const more = document.getElementById('more');
const msg = document.getElementById('history-msg');
let next;

function query(cursor) {
  const fd = new FormData(form);
  const q = new URLSearchParams();
  for (const [k, v] of fd) if (String(v).trim()) q.set(k, k === 'to' ? `${v}T23:59:59.999Z` : String(v).trim());
  q.set('limit', '50');
  if (cursor) q.set('cursor', cursor);
  return q;
}

async function load(cursor) {
  msg.textContent = '';
  const res = await fetch(`/api/v1/records?${query(cursor)}`, { headers: authHeaders() }).catch(() => undefined);
  if (!res) {
    msg.textContent = tr('err.network');
    return;
  }
  const text = await res.text();
  if (!res.ok) {
    msg.textContent = res.status === 501 ? tr('history.unavailable') : await problemText(res.status, text);
    return;
  }
  const page = JSON.parse(text);
  if (!cursor) body.replaceChildren();
  for (const r of page.items ?? []) {
    body.append(
      el(
        'tr',
        {},
        el('td', { text: new Date(r.time).toLocaleString() }),
        el('td', { text: tr(r.type === 'label' ? 'history.typeLabel' : 'history.typeVerify') }),
        el('td', { text: r.actor }),
        el('td', { text: r.door }),
        el('td', { text: r.format }),
        el('td', { text: r.verdict ?? '' }),
        el('td', {}, el('code', { text: r.id })),
      ),
    );
  }
  table.hidden = false;
  if (!body.children.length) msg.textContent = tr('history.empty');
  next = page.next;
  more.hidden = !next;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load();
});
more.addEventListener('click', () => next && load(next));
initPage();
