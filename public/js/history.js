// History page: the provenance record, newest first, a page at a time (cursor), loaded as
// soon as a key is known. Verdicts use the Verify page's words; each row opens its details
// (the full record with its hashes); the filtered record can be exported as CSV.
import { date, el, getJson, initPage, keyPanel, onLanguageChange, problemNode, saveBlob, say, tr } from './common.js';
import { actorName, doorName, kindName, placementName, signerTrust, sourceTypeName, stateName, VERDICT_TONE, VERDICTS, verdictName } from './vocab.js';

const form = document.getElementById('filters');
const body = document.getElementById('records-body');
const table = document.getElementById('records');
const more = document.getElementById('more');
const msg = document.getElementById('history-msg');
const status = document.getElementById('history-status');
const verdictSelect = document.getElementById('f-verdict');
const BUILT_IN_ACTORS = ['anonymous', 'cli', 'watch'];
const CSV_MAX = 10_000;

let items = [];
let next;
const open = new Set();

function paintFilters() {
  const keep = verdictSelect.value;
  verdictSelect.replaceChildren(el('option', { value: '', text: tr('history.any') }), ...VERDICTS.map((v) => el('option', { value: v, text: verdictName(v) })));
  verdictSelect.value = keep;
  document.getElementById('actors').replaceChildren(...BUILT_IN_ACTORS.map((a) => el('option', { value: a, label: actorName(a) })));
}

function query(cursor, limit = 50) {
  const q = new URLSearchParams();
  for (const [k, v] of new FormData(form)) if (String(v).trim()) q.set(k, String(v).trim());
  // A verdict belongs to verifications: choosing one means "verifications with this verdict".
  if (q.get('verdict') && q.get('type') === 'label') q.delete('type');
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return q;
}

const fileOf = (r) => r.data?.fileName ?? r.data?.file ?? '';

function verdictCell(r) {
  if (r.type === 'label') {
    const dev = r.data?.signer?.development;
    return el('span', { class: `badge small ${dev ? 'warn' : 'good'}`, text: tr(dev ? 'history.labelledDev' : 'history.labelled') });
  }
  const v = r.verdict ?? 'unknown';
  return el('span', { class: `badge small ${VERDICT_TONE[v] ?? 'neutral'}`, 'data-verdict': v, text: verdictName(v) });
}

function cell(labelKey, ...children) {
  return el('td', { 'data-label': tr(labelKey) }, ...children);
}

function details(r) {
  const dl = el('dl', { class: 'facts small' });
  const add = (key, value, code = false) =>
    value !== undefined &&
    value !== null &&
    value !== '' &&
    dl.append(el('dt', { text: tr(key) }), el('dd', {}, code ? el('code', { text: String(value) }) : String(value)));
  const d = r.data ?? {};
  add('f.recordId', r.id, true);
  add('history.time', date(r.time));
  add('history.who', `${actorName(r.actor)} · ${doorName(r.door)}`);
  add('f.inputSha', r.inputSha256, true);
  add('f.outputSha', r.outputSha256, true);
  if (r.type === 'label') {
    add('opt.profile', d.profile ? tr(`profile.${d.profile}`) : '');
    add('opt.languages', (d.languages ?? []).map((l) => tr(`lang.${l}`)).join(', '));
    add('history.placement', d.placement ? placementName(d.placement) : '');
    add('opt.sourceType', d.sourceType ? sourceTypeName(d.sourceType) : '');
    add('opt.aiSystem', [d.aiSystem, d.aiSystemVersion].filter(Boolean).join(' '));
    add('f.signer', d.signer ? `${d.signer.organisation ?? ''}${d.signer.development ? ` (${tr('trust.development')})` : ''}` : '');
  } else {
    add('f.c2pa', d.c2pa?.state ? stateName(d.c2pa.state) : '');
    const trust = d.c2pa ? signerTrust(d, undefined) : undefined;
    if (trust) add('history.signerTrust', tr(`trust.${trust}`, { org: d.c2pa?.signer?.organisation ?? '' }));
    add('f.ai', d.aiGenerated === true ? tr('yes') : d.aiGenerated === false ? tr('no') : tr('unknown'));
    if (d.compact) add('history.compact', tr('history.compactNote'));
  }
  add('chain.manifest', r.manifestLabel, true);
  add('history.hash', r.hash, true);
  add('history.prevHash', r.prevHash, true);
  return el(
    'div',
    { class: 'record-details' },
    dl,
    el('details', { class: 'tech' }, el('summary', { text: tr('history.json') }), el('pre', { text: JSON.stringify(r, null, 2) })),
  );
}

function rowsOf(r) {
  const id = `rec-${r.id.replace(/[^\w-]/g, '_')}`;
  const isOpen = open.has(r.id);
  const button = el('button', {
    type: 'button',
    class: 'details-btn',
    'aria-expanded': String(isOpen),
    'aria-controls': id,
    text: tr(isOpen ? 'history.hide' : 'history.show'),
  });
  button.addEventListener('click', () => {
    if (open.has(r.id)) open.delete(r.id);
    else open.add(r.id);
    paint();
    document.querySelector(`[aria-controls="${id}"]`)?.focus();
  });
  const name = fileOf(r);
  const main = el(
    'tr',
    { 'data-id': r.id, 'data-type': r.type },
    cell('history.time', date(r.time)),
    cell(
      'history.file',
      name ? el('bdi', { class: 'name', text: name }) : el('span', { class: 'muted', text: tr('history.noName') }),
      el('br'),
      el('span', { class: 'muted', text: `${kindName(r.data?.kind)} · ${String(r.format ?? '').toUpperCase()}` }),
    ),
    cell('history.type', tr(`type.${r.type}`)),
    cell('history.verdict', verdictCell(r)),
    cell('history.who', `${actorName(r.actor)} · ${doorName(r.door)}`),
    cell('history.details', button),
  );
  const extra = el('tr', { class: 'details-row', id, hidden: !isOpen }, el('td', { colspan: '6' }, isOpen ? details(r) : ''));
  return [main, extra];
}

function paint() {
  body.replaceChildren(...items.flatMap(rowsOf));
  more.hidden = !next;
}

async function load(cursor) {
  say(msg, '');
  say(status, 'history.loading');
  const r = await getJson(`/api/v1/records?${query(cursor)}`);
  say(status, '');
  if (!r.ok) {
    if (r.status === 401 || r.status === 403) return key.rejected(r.status);
    msg.append(r.status === 501 ? el('span', { text: tr('history.unavailable') }) : problemNode(r.problem));
    return;
  }
  items = cursor ? [...items, ...(r.json.items ?? [])] : (r.json.items ?? []);
  next = r.json.next;
  table.hidden = false;
  paint();
  if (items.length) say(status, 'history.count', { n: items.length });
  else say(status, 'history.empty');
}

/** RFC 4180 cell; a leading = + - @ is neutralised so a spreadsheet never runs it as a formula. */
function csvCell(v) {
  let s = v === undefined || v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function exportCsv() {
  say(msg, '');
  const rows = [];
  let cursor;
  do {
    say(status, 'history.exporting', { n: rows.length });
    const r = await getJson(`/api/v1/records?${query(cursor, 1000)}`);
    if (!r.ok) {
      say(status, '');
      if (r.status === 401 || r.status === 403) return key.rejected(r.status);
      msg.append(problemNode(r.problem));
      return;
    }
    rows.push(...(r.json.items ?? []));
    cursor = r.json.next;
  } while (cursor && rows.length < CSV_MAX);
  const head = [
    'time',
    'id',
    'type',
    'file',
    'format',
    'verdict',
    'verdict_words',
    'actor',
    'door',
    'input_sha256',
    'output_sha256',
    'manifest',
    'hash',
    'prev_hash',
  ];
  const lines = rows.map((r) =>
    [
      r.time,
      r.id,
      r.type,
      fileOf(r),
      r.format,
      r.verdict ?? '',
      r.type === 'verify' ? verdictName(r.verdict ?? 'unknown') : tr('history.labelled'),
      r.actor,
      r.door,
      r.inputSha256,
      r.outputSha256 ?? '',
      r.manifestLabel ?? '',
      r.hash,
      r.prevHash,
    ]
      .map(csvCell)
      .join(','),
  );
  // A BOM so spreadsheet programs read the Kazakh and Russian letters as UTF-8.
  saveBlob(new Blob([`\uFEFF${[head.join(','), ...lines].join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' }), 'records.csv');
  say(status, 'history.exported', { n: rows.length });
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  load();
});
more.addEventListener('click', () => next && load(next));
document.getElementById('export-csv').addEventListener('click', exportCsv);

const key = keyPanel((state) => {
  if (state === 'accepted' || state === 'unchecked') load();
  else {
    items = [];
    next = undefined;
    table.hidden = true;
    say(status, 'history.needKey');
  }
});
onLanguageChange(() => {
  paintFilters();
  paint();
});
initPage();
paintFilters();
if (key.state === 'none') say(status, 'history.needKey');
