// Review page: files held for an editor. A labeller sends a file for review and later downloads
// it once approved; an editor sees each waiting file before and after labelling, with its
// wording, AI system and prompt, and approves it (optionally with the reviewed wording) or
// rejects it with a reason. Who may do what is the service's rule: a refusal is shown as such.
import {
  authHeaders,
  date,
  el,
  filenameFrom,
  getJson,
  initPage,
  keyPanel,
  labelledName,
  onLanguageChange,
  postFile,
  problemNode,
  problemOf,
  saveBlob,
  say,
  tr,
} from './common.js';
import { actorName, doorName, kindName } from './vocab.js';

const pendingList = document.getElementById('pending');
const decidedList = document.getElementById('decided');
const pendingStatus = document.getElementById('pending-status');
const decidedStatus = document.getElementById('decided-status');
const msg = document.getElementById('review-msg');
const sendForm = document.getElementById('send-form');
const sendMsg = document.getElementById('send-msg');
const sendStatus = document.getElementById('send-status');
const TEXT_SHOWN = 4000;

let jobs = [];
let loaded = false;
/** Object URLs of previews, revoked when the list is painted again. */
let urls = [];
/** What an editor typed or chose per job survives a repaint (language switch, reload). */
const drafts = new Map();

const who = (by) => (by ? (by.name ? `${by.name} (${by.key})` : actorName(by.key)) : '');

async function load() {
  msg.replaceChildren();
  say(pendingStatus, 'review.loading');
  const r = await getJson('/api/v1/jobs');
  if (!r.ok) {
    if (r.status === 401 || r.status === 403) panel.rejected(r.status);
    say(pendingStatus, '');
    msg.replaceChildren(problemNode(r.problem));
    return;
  }
  jobs = r.json.items;
  loaded = true;
  paint();
}

function paint() {
  for (const u of urls) URL.revokeObjectURL(u);
  urls = [];
  const pending = jobs.filter((j) => j.state === 'pending_review');
  const decided = jobs.filter((j) => j.state !== 'pending_review');
  pendingList.replaceChildren(...pending.map(pendingItem));
  decidedList.replaceChildren(...decided.slice(0, 50).map(decidedItem));
  say(pendingStatus, loaded ? (pending.length ? 'review.pending.count' : 'review.pending.none') : 'review.noKey', { n: pending.length });
  say(decidedStatus, loaded && !decided.length ? 'review.decided.none' : '');
}

function fact(dl, key, value, asName = false) {
  if (value === undefined || value === null || value === '') value = tr('review.notGiven');
  dl.append(el('dt', { text: tr(key) }), el('dd', {}, asName ? el('bdi', { text: String(value) }) : String(value)));
}

function facts(j) {
  const dl = el('dl', { class: 'facts small' });
  fact(dl, 'review.sentBy', `${actorName(j.submitter.actor)} · ${doorName(j.submitter.door)}, ${date(j.createdAt)}`);
  fact(dl, 'review.kind', `${kindName(j.kind)} · ${String(j.format).toUpperCase()}`);
  fact(dl, 'review.wording', Object.values(j.draft.wording ?? {}).join(' / '), true);
  fact(dl, 'review.aiSystem', [j.options.aiSystem, j.options.aiSystemVersion].filter(Boolean).join(' '), true);
  fact(dl, 'review.prompt', j.options.prompt, true);
  if (j.state === 'pending_review') fact(dl, 'review.expires', date(j.expiresAt));
  return dl;
}

/** A preview is fetched with the key (an <img> cannot send it) and shown from a blob. */
function preview(j, side) {
  const fig = el('figure', {}, el('figcaption', { text: tr(side === 'before' ? 'review.before' : 'review.after') }));
  fetch(`/api/v1/jobs/${encodeURIComponent(j.id)}/preview/${side}`, { headers: authHeaders() }).then(async (res) => {
    if (!res.ok) return fig.append(problemNode(problemOf(res.status, await res.text())));
    const blob = await res.blob();
    if (j.kind === 'image') {
      const url = URL.createObjectURL(blob);
      urls.push(url);
      fig.append(el('img', { src: url, alt: tr(side === 'before' ? 'review.beforeAlt' : 'review.afterAlt', { name: j.fileName ?? '' }) }));
    } else {
      const text = await blob.text();
      fig.append(el('pre', { class: 'text-preview', text: text.length > TEXT_SHOWN ? `${text.slice(0, TEXT_SHOWN)}…` : text }));
    }
  });
  return fig;
}

function pendingItem(j) {
  const d = drafts.get(j.id) ?? { wording: 'draft', name: '', reason: '' };
  drafts.set(j.id, d);
  const id = j.id.replace(/[^\w-]/g, '_');
  const line = (arr) => Object.values(arr ?? {}).join(' / ');
  const radio = (value, key, text) => {
    const input = el('input', { type: 'radio', name: `wording-${id}`, id: `w-${value}-${id}`, value, checked: d.wording === value });
    input.addEventListener('change', () => (d.wording = value));
    return el('div', {}, input, ' ', el('label', { for: `w-${value}-${id}` }, tr(key), ' ', el('bdi', { text: `«${text}»` })));
  };
  const name = el('input', { id: `name-${id}`, maxlength: '200', value: d.name, autocomplete: 'name' });
  name.addEventListener('input', () => (d.name = name.value));
  const reason = el('textarea', { id: `reason-${id}`, maxlength: '500', rows: '2' });
  reason.value = d.reason;
  reason.addEventListener('input', () => (d.reason = reason.value));
  const status = el('p', { class: 'row-msg', role: 'alert' });
  const approve = el('button', { type: 'button', class: 'primary approve', text: tr('review.approve') });
  const reject = el('button', { type: 'button', class: 'reject', text: tr('review.reject') });
  approve.addEventListener('click', () => decide(j, 'approve', { wording: d.wording, reviewerName: d.name.trim() || undefined }, [approve, reject], status));
  reject.addEventListener('click', () => {
    if (!d.reason.trim()) {
      say(status, 'review.reasonNeeded');
      return reason.focus();
    }
    decide(j, 'reject', { reason: d.reason.trim(), reviewerName: d.name.trim() || undefined }, [approve, reject], status);
  });
  return el(
    'li',
    { class: 'result', 'data-job': j.id, 'data-state': j.state },
    el('h3', { class: 'name' }, el('bdi', { text: j.fileName ?? tr('history.noName') })),
    facts(j),
    el('div', { class: 'compare' }, preview(j, 'before'), preview(j, 'after')),
    el(
      'fieldset',
      {},
      el('legend', { text: tr('review.choose') }),
      radio('draft', 'review.keep', line(j.draft.wording)),
      radio('reviewed', 'review.reviewed', line(j.reviewedWording)),
      el('div', { class: 'field' }, el('label', { for: `name-${id}`, text: tr('review.name') }), name),
      el('div', { class: 'field' }, el('label', { for: `reason-${id}`, text: tr('review.reason') }), reason),
      el('div', { class: 'actions row-actions' }, approve, reject),
    ),
    status,
  );
}

function decidedItem(j) {
  const d = j.decision ?? {};
  const line =
    j.state === 'approved'
      ? tr('review.approvedBy', { who: who(d.by), date: date(d.at) })
      : j.state === 'rejected'
        ? tr('review.rejectedBy', { who: who(d.by), date: date(d.at) })
        : tr('review.expiredAt', { date: date(d.at ?? j.updatedAt) });
  const tone = j.state === 'approved' ? 'good' : j.state === 'rejected' ? 'bad' : 'neutral';
  const item = el(
    'li',
    { class: 'result', 'data-job': j.id, 'data-state': j.state },
    el('h3', { class: 'name' }, el('bdi', { text: j.fileName ?? tr('history.noName') })),
    el('p', {}, el('span', { class: `badge small ${tone}`, text: tr(`review.state.${j.state}`) }), ' ', line),
    j.state === 'rejected' && d.reason ? el('p', {}, `${tr('review.reasonWas')} `, el('bdi', { text: d.reason })) : '',
    facts(j),
  );
  if (j.links?.output) {
    const status = el('p', { class: 'row-msg', role: 'alert' });
    const button = el('button', { type: 'button', class: 'primary download', text: tr('review.download') });
    button.addEventListener('click', () => download(j, status));
    item.append(el('div', { class: 'actions row-actions' }, button), status);
  }
  return item;
}

async function decide(j, what, body, buttons, status) {
  for (const b of buttons) b.disabled = true;
  say(status, '');
  let res;
  try {
    res = await fetch(`/api/v1/jobs/${encodeURIComponent(j.id)}/${what}`, {
      method: 'POST',
      headers: { ...authHeaders(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    res = undefined;
  }
  if (!res?.ok) {
    for (const b of buttons) b.disabled = false;
    status.replaceChildren(problemNode(res ? problemOf(res.status, await res.text()) : { status: 0, code: 'network', detail: '' }));
    return;
  }
  drafts.delete(j.id);
  const done = await res.json();
  jobs = jobs.map((x) => (x.id === done.id ? done : x));
  paint();
  say(pendingStatus, done.state === 'approved' ? 'review.done.approved' : 'review.done.rejected', { name: done.fileName ?? '' });
}

async function download(j, status) {
  const res = await fetch(`/api/v1/jobs/${encodeURIComponent(j.id)}/output`, { headers: authHeaders() }).catch(() => undefined);
  if (!res?.ok) return status.replaceChildren(problemNode(res ? problemOf(res.status, await res.text()) : { status: 0, code: 'network', detail: '' }));
  saveBlob(await res.blob(), labelledName(filenameFrom(res.headers.get('content-disposition'), j.fileName ?? `file.${j.format}`)));
}

sendForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  sendMsg.replaceChildren();
  say(sendStatus, '');
  const file = sendForm.elements.file.files[0];
  if (!file) return;
  const button = document.getElementById('send-button');
  button.disabled = true;
  try {
    const fields = { review: 'required', aiSystem: sendForm.elements.aiSystem.value.trim(), prompt: sendForm.elements.prompt.value.trim() };
    const r = await postFile('/api/v1/label', file, fields);
    if (r.status !== 202) {
      if (r.status === 401 || r.status === 403) panel.rejected(r.status);
      sendMsg.replaceChildren(problemNode(problemOf(r.status, await r.body.text())));
      return;
    }
    const job = JSON.parse(await r.body.text());
    say(sendStatus, 'review.send.done', { name: file.name });
    sendForm.reset();
    jobs = [job, ...jobs.filter((x) => x.id !== job.id)];
    loaded = true;
    paint();
  } catch (err) {
    sendMsg.replaceChildren(problemNode(err.problem ?? { status: 0, code: 'network', detail: '' }));
  } finally {
    button.disabled = false;
  }
});

initPage();
onLanguageChange(() => loaded && paint());
const panel = keyPanel((state) => {
  if (state === 'accepted' || state === 'unchecked') load();
  else {
    jobs = [];
    loaded = false;
    paint();
  }
});
paint();
