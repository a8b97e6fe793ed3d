// Label page: choose or drop images and texts, label them one after another with the options
// of each file's type, show before/after (a picture or the text), download each or a ZIP.
import {
  apiKey,
  date,
  dropZone,
  el,
  filenameFrom,
  getJson,
  initPage,
  keyPanel,
  labelledName,
  lang,
  onLanguageChange,
  postFile,
  problemNode,
  problemOf,
  saveBlob,
  say,
  serviceInfo,
  sizes,
  tr,
} from './common.js';
import { fmtSize } from './i18n.js';
import { readText, textBlock } from './text-preview.js';
import { kindName, placementName, sourceTypeName } from './vocab.js';

const FALLBACK = {
  limits: { maxUploadBytes: 50 * 1024 * 1024 },
  placements: {
    image: ['corner-bottom-left', 'corner-bottom-right', 'corner-top-left', 'corner-top-right', 'band-bottom', 'band-top'],
    text: ['start', 'end'],
    defaults: { image: 'corner-bottom-left', text: 'start' },
  },
  sourceTypes: ['trainedAlgorithmicMedia', 'compositeWithTrainedAlgorithmicMedia', 'algorithmicMedia', 'algorithmicallyEnhanced', 'compositeSynthetic'],
  defaultSourceType: 'trainedAlgorithmicMedia',
  profiles: ['kz', 'eu', 'cn', 'us-ca'],
  defaultProfile: 'kz',
  signer: { development: false },
};
/** The warning's languages a profile starts with (src/domain/profiles): cn always writes «人工智能生成». */
const PROFILE_LANGUAGES = { kz: ['kk', 'ru'], eu: ['en'], 'us-ca': ['en'] };
const IMAGE_EXT = /\.(jpe?g|png|webp|avif|tiff?)$/i;
const TEXT_EXT = /\.(txt|text|md|markdown|html?|xhtml)$/i;

let info = FALLBACK;
let chosen = []; // files not labelled yet; kept after a refused key
const done = []; // { name, blob } of every labelled file, for the ZIP
const rows = [];
let busy = false;

const form = document.getElementById('label-form');
const input = document.getElementById('files');
const results = document.getElementById('results');
const msg = document.getElementById('form-msg');
const progress = document.getElementById('label-progress');
const zipButton = document.getElementById('zip-all');
const go = document.getElementById('label-go');
const key = keyPanel();

export function kindOf(file) {
  if (file.type.startsWith('image/') || IMAGE_EXT.test(file.name)) return 'image';
  if (file.type.startsWith('text/') || TEXT_EXT.test(file.name)) return 'text';
  return 'other';
}

function fillSelect(select, values, name, preferred) {
  const keep = select.value || preferred;
  select.replaceChildren(...values.map((v) => el('option', { value: v, text: name(v) })));
  select.value = values.includes(keep) ? keep : values[0];
}

function paintOptions() {
  fillSelect(document.getElementById('placement-image'), info.placements.image, placementName, info.placements.defaults?.image);
  fillSelect(document.getElementById('placement-text'), info.placements.text, placementName, info.placements.defaults?.text);
  fillSelect(document.getElementById('sourceType'), info.sourceTypes, sourceTypeName, info.defaultSourceType);
  fillSelect(document.getElementById('profile'), info.profiles, (p) => tr(`profile.${p}`), info.defaultProfile);
  paintProfile();
  document.getElementById('limit-note').textContent = tr('drop.limit', { size: fmtSize(info.limits.maxUploadBytes, lang()) });
  const kinds = new Set(chosen.map(kindOf));
  // Only the placement lists the chosen files need; both when nothing is chosen yet.
  document.getElementById('placement-image-field').hidden = kinds.size > 0 && !kinds.has('image');
  document.getElementById('placement-text-field').hidden = kinds.size > 0 && !kinds.has('text');
}

function paintBanner() {
  document.getElementById('dev-banner').hidden = !info.signer?.development;
}

function paintChosen() {
  const box = document.getElementById('chosen-box');
  box.hidden = chosen.length === 0;
  document.getElementById('chosen').replaceChildren(
    ...chosen.map((f) => {
      const k = kindOf(f);
      const tooBig = f.size > info.limits.maxUploadBytes;
      return el(
        'li',
        { class: tooBig ? 'too-big' : '' },
        el('bdi', { class: 'name', text: f.name }),
        ` · ${kindName(k)} · ${fmtSize(f.size, lang())}`,
        k === 'other' ? '' : ` · ${placementName(placementFor(f))}`,
        tooBig ? el('span', { class: 'field-error', text: ` · ${tr('label.tooLargeShort', { limit: fmtSize(info.limits.maxUploadBytes, lang()) })}` }) : '',
      );
    }),
  );
  paintOptions();
}

/** cn takes no languages (its notice is Chinese) but may name a propagator. */
function paintProfile() {
  const profile = document.getElementById('profile').value;
  document.getElementById('lang-group').disabled = profile === 'cn';
  document.getElementById('propagator-field').hidden = profile !== 'cn';
}

/** A new profile starts from its own languages. */
function chooseProfile() {
  const wanted = PROFILE_LANGUAGES[document.getElementById('profile').value];
  if (wanted) for (const c of form.querySelectorAll('input[name=lang]')) c.checked = wanted.includes(c.value);
  paintProfile();
}

function placementFor(file) {
  const k = kindOf(file);
  if (k === 'image') return document.getElementById('placement-image').value;
  if (k === 'text') return document.getElementById('placement-text').value;
  return undefined;
}

function languages() {
  return [...form.querySelectorAll('input[name=lang]:checked')].map((c) => c.value);
}

function showLanguageError(on) {
  document.getElementById('lang-error').hidden = !on;
  for (const c of form.querySelectorAll('input[name=lang]')) c.toggleAttribute('aria-invalid', on);
}

function options(file) {
  const fd = new FormData(form);
  const profile = String(fd.get('profile') || '');
  return {
    languages: profile === 'cn' ? '' : languages().join(','),
    profile,
    propagator: profile === 'cn' ? String(fd.get('propagator') || '').trim() : '',
    placement: placementFor(file),
    sourceType: fd.get('sourceType'),
    aiSystem: String(fd.get('aiSystem') || '').trim(),
    aiSystemVersion: String(fd.get('aiSystemVersion') || '').trim(),
    prompt: String(fd.get('prompt') || '').trim(),
    // Switches: sent only when ticked (personal data out and the prompt private by default).
    embedPrompt: fd.get('embedPrompt') ? 'true' : '',
    keepLocation: fd.get('keepLocation') ? 'true' : '',
    keepCamera: fd.get('keepCamera') ? 'true' : '',
  };
}

/** One result card; `paint()` redraws its words in the page's language. */
function row(file, opts) {
  const kind = kindOf(file);
  const r = { file, kind, opts, state: 'waiting', share: 0 };
  const status = el('span', { class: 'status', 'data-state': 'waiting' });
  const bar = el('progress', { max: '1', value: '0', 'aria-labelledby': '' });
  const trust = el('span', { class: 'badge trust', hidden: true });
  const facts = el('dl', { class: 'facts small', hidden: true });
  const message = el('div', { class: 'row-msg' });
  const before = el('figure', {}, el('figcaption', {}));
  const after = el('figure', { hidden: true }, el('figcaption', {}));
  const actions = el('div', { class: 'row-actions' });
  const title = el('p', { class: 'name' }, el('strong', {}, el('bdi', { text: file.name })), ' ', el('span', { class: 'muted kind' }), ' ', status, ' ', trust);
  const li = el('li', { class: 'result' }, title, bar, message, el('div', { class: 'compare' }, before, after), facts, actions);
  const id = `r${rows.length}`;
  status.id = `${id}-status`;
  bar.setAttribute('aria-labelledby', status.id);
  results.append(li);

  // Nothing to show of a file that will not be sent (empty, or over the limit).
  const shown = file.size > 0 && file.size <= info.limits.maxUploadBytes;
  if (shown && kind === 'image') before.prepend(previewImage(URL.createObjectURL(file), 'before'));
  else if (shown && kind === 'text') readText(file).then((t) => before.prepend(textBlock(t, opts.placement)));
  before.hidden = !shown;

  r.paint = () => {
    title.querySelector('.kind').textContent = `${kindName(kind)}${opts.placement ? ` · ${placementName(opts.placement)}` : ''}`;
    status.dataset.state = r.state;
    status.textContent = tr(`status.${r.state}`);
    li.dataset.state = r.state;
    bar.dataset.state = r.state;
    before.querySelector('figcaption').textContent = tr('label.before');
    after.querySelector('figcaption').textContent = tr('label.after');
    for (const img of li.querySelectorAll('img[data-which]')) img.alt = `${tr(img.dataset.which === 'before' ? 'label.before' : 'label.after')}: ${file.name}`;
    for (const n of li.querySelectorAll('.no-preview')) n.textContent = tr('label.noPreview');
    message.replaceChildren();
    if (r.problem) message.append(problemNode(r.problem));
    if (r.result) {
      trust.hidden = false;
      trust.className = `badge trust ${info.signer?.development ? 'warn' : 'good'}`;
      trust.textContent = info.signer?.development ? tr('trust.development') : tr('trust.own', { org: info.organisation ?? '' });
      facts.hidden = false;
      const rec = r.result.record;
      facts.replaceChildren(
        ...(rec?.time ? [el('dt', { text: tr('f.recordTime') }), el('dd', { text: `${date(rec.time)} (${tr('f.recordTimeNote')})` })] : []),
        ...(r.result.recordId ? [el('dt', { text: tr('f.recordId') }), el('dd', {}, el('code', { text: r.result.recordId }))] : []),
        ...(rec?.outputSha256 ? [el('dt', { text: tr('f.outputSha') }), el('dd', {}, el('code', { text: rec.outputSha256 }))] : []),
      );
      const dl = actions.querySelector('button.download');
      if (dl) dl.textContent = tr('label.download', { name: r.result.name });
    }
  };
  r.set = (state, extra = {}) => {
    Object.assign(r, { state }, extra);
    r.paint();
  };
  r.progress = (share) => {
    bar.value = share;
  };
  r.showAfter = async (blob, wording) => {
    if (kind === 'image') after.prepend(previewImage(URL.createObjectURL(blob), 'after'));
    else after.prepend(textBlock(await readText(blob), opts.placement, wording));
    after.hidden = false;
  };
  r.note = (node) => actions.append(node);
  r.addDownload = (blob, name) => {
    const dl = el('button', { type: 'button', class: 'download', 'data-name': name });
    dl.addEventListener('click', () => saveBlob(blob, name));
    actions.append(dl);
  };
  rows.push(r);
  r.paint();
  return r;
}

function previewImage(src, which) {
  const img = el('img', { src, alt: '', 'data-which': which });
  // Chromium shows no TIFF: say so instead of a broken picture.
  img.addEventListener('error', () => img.replaceWith(el('p', { class: 'no-preview muted', text: tr('label.noPreview') })));
  return img;
}

async function labelOne(file) {
  const opts = options(file);
  const r = row(file, opts);
  if (file.size > info.limits.maxUploadBytes) {
    r.progress(1);
    // Checked here, before a byte is sent: the limit is the service's own (MAX_UPLOAD_BYTES).
    const message = () => tr('label.tooLarge', sizes(file.size, info.limits.maxUploadBytes));
    r.set('failed', { problem: { status: 0, code: 'too_large', detail: '', message } });
    return 'failed';
  }
  let res;
  for (let attempt = 1; ; attempt++) {
    r.set('uploading');
    try {
      res = await postFile('/api/v1/label', file, { ...opts, title: file.name }, (phase, share) => {
        r.progress(phase === 'upload' ? share * 0.8 : 0.9);
        if (phase === 'working' && r.state !== 'working') r.set('working');
      });
    } catch (err) {
      r.progress(1);
      r.set('failed', { problem: err.problem ?? { status: 0, code: 'network', detail: '' } });
      return 'failed';
    }
    if (res.status === 200) break;
    if (res.status === 202) {
      // Held for an editor (review required): nothing to download here; the Review page releases it.
      r.progress(1);
      r.set('held');
      r.note(el('a', { href: '/review.html', 'data-i18n': 'status.heldNote', text: tr('status.heldNote') }));
      return 'done';
    }
    const problem = problemOf(res.status, await res.body.text());
    // A busy service or a rate limit says when to come back: wait that long (a minute at most), twice.
    const wait = Number(res.header('Retry-After'));
    if ((problem.code === 'busy' || problem.code === 'rate_limited') && attempt < 3 && wait > 0 && wait <= 60) {
      r.progress(0);
      r.set('waiting', { problem });
      await new Promise((ok) => setTimeout(ok, wait * 1000));
      r.problem = undefined;
      continue;
    }
    r.progress(1);
    r.set('failed', { problem });
    return res.status === 401 || res.status === 403 ? res.status : 'failed';
  }
  r.progress(1);
  const name = labelledName(filenameFrom(res.header('Content-Disposition'), file.name));
  const recordId = res.header('X-Record-Id') ?? undefined;
  done.push({ name, blob: res.body });
  r.addDownload(res.body, name);
  r.set('done', { result: { name, recordId } });
  // The record gives the time the label was recorded and the output's hash (the signature has no timestamp without a TSA).
  const rec = recordId ? await getJson(`/api/v1/records/${encodeURIComponent(recordId)}`) : undefined;
  if (rec?.ok) r.set('done', { result: { name, recordId, record: rec.json } });
  await r.showAfter(res.body, Object.values(rec?.ok ? (rec.json.data?.wording ?? {}) : {}));
  zipButton.hidden = done.length < 2;
  return 'done';
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  if (busy) return;
  say(msg, '');
  if (!chosen.length) {
    say(msg, 'label.noFiles');
    input.focus();
    return;
  }
  if (!languages().length && document.getElementById('profile').value !== 'cn') {
    showLanguageError(true);
    form.querySelector('input[name=lang]').focus();
    return;
  }
  showLanguageError(false);
  if (!apiKey()) {
    say(msg, 'key.needed');
    document.getElementById('key-input').focus();
    return;
  }
  busy = true;
  // Focus goes to the results before the button is disabled, so it never drops to the page's body.
  document.getElementById('results-h').focus();
  go.disabled = true;
  const files = [...chosen];
  let ok = 0;
  let failed = 0;
  for (let i = 0; i < files.length; i++) {
    say(progress, 'label.progress', { i: i + 1, n: files.length });
    // One at a time: the server bounds concurrent jobs, and a desk batch is rarely large.
    const outcome = await labelOne(files[i]);
    if (outcome === 401 || outcome === 403) {
      // The files stay chosen: enter a key that works and press Label again.
      chosen = files.slice(i);
      paintChosen();
      key.rejected(outcome);
      say(msg, 'label.keptAfterKey', { n: chosen.length });
      failed++;
      break;
    }
    chosen = chosen.filter((f) => f !== files[i]);
    if (outcome === 'done') ok++;
    else failed++;
  }
  paintChosen();
  input.value = '';
  say(progress, 'label.finished', { ok, failed });
  go.disabled = false;
  busy = false;
});

zipButton.addEventListener('click', async () => {
  const { zipSync } = await import('/vendor/fflate.js');
  const entries = {};
  for (const { name, blob } of done) {
    let n = name;
    for (let i = 2; entries[n]; i++) n = name.replace(/(\.[^.]+)?$/, `-${i}$1`);
    entries[n] = [new Uint8Array(await blob.arrayBuffer()), { level: 0 }]; // already compressed media
  }
  saveBlob(new Blob([zipSync(entries)], { type: 'application/zip' }), 'labelled.zip');
});

dropZone(document.getElementById('drop'), input, (files) => {
  chosen = files;
  say(msg, '');
  paintChosen();
});
document.getElementById('chosen-clear').addEventListener('click', () => {
  chosen = [];
  input.value = '';
  paintChosen();
  input.focus();
});
for (const c of form.querySelectorAll('input[name=lang]')) c.addEventListener('change', () => languages().length && showLanguageError(false));
for (const id of ['placement-image', 'placement-text']) document.getElementById(id).addEventListener('change', paintChosen);
document.getElementById('profile').addEventListener('change', chooseProfile);

onLanguageChange(() => {
  paintOptions();
  paintChosen();
  for (const r of rows) r.paint();
});
initPage();
paintOptions();
serviceInfo().then((i) => {
  if (i) info = { ...FALLBACK, ...i };
  paintBanner();
  paintChosen();
});
