// Label page: choose or drop files, label them one after another, preview, download.
import { dropZone, el, filenameFrom, initPage, onLanguageChange, postFile, problemText, saveBlob, tr } from './common.js';

const done = []; // { name, blob } of every labelled file, for the ZIP
let chosen = [];

const form = document.getElementById('label-form');
const input = document.getElementById('files');
const results = document.getElementById('results');
const msg = document.getElementById('form-msg');
const zipButton = document.getElementById('zip-all');

function options() {
  const fd = new FormData(form);
  return {
    languages: fd.getAll('lang').join(','),
    placement: fd.get('placement'),
    sourceType: fd.get('sourceType'),
    aiSystem: String(fd.get('aiSystem') || '').trim(),
    aiSystemVersion: String(fd.get('aiSystemVersion') || '').trim(),
    prompt: String(fd.get('prompt') || '').trim(),
  };
}

function row(file) {
  const status = el('span', { class: 'status', 'data-state': 'waiting', text: tr('status.waiting') });
  const progress = el('progress', { max: '1', value: '0', 'aria-label': file.name });
  const before = el('figure', {}, el('img', { src: URL.createObjectURL(file), alt: `${tr('label.before')}: ${file.name}` }), el('figcaption', { text: tr('label.before') }));
  const after = el('figure', { hidden: true });
  const actions = el('div', { class: 'row-actions' });
  const li = el('li', { class: 'result' }, el('p', { class: 'name' }, el('strong', { text: file.name }), ' ', status), progress, el('div', { class: 'compare' }, before, after), actions);
  results.append(li);
  const set = (state, text) => {
    status.dataset.state = state;
    status.textContent = text;
  };
  return { li, progress, after, actions, set };
}

async function labelOne(file, opts) {
  const r = row(file);
  r.set('uploading', tr('status.uploading'));
  try {
    const res = await postFile('/api/v1/label', file, opts, (phase, share) => {
      r.progress.value = phase === 'upload' ? share * 0.8 : 0.9;
      if (phase === 'working') r.set('working', tr('status.working'));
    });
    r.progress.value = 1;
    if (res.status !== 200) {
      r.set('failed', `${tr('status.failed')}: ${await problemText(res.status, await res.body.text())}`);
      return res.status;
    }
    const name = filenameFrom(res.header('Content-Disposition'), file.name);
    const recordId = res.header('X-Record-Id');
    done.push({ name, blob: res.body });
    r.set('done', recordId ? `${tr('status.done')} · ${tr('status.record')} ${recordId}` : tr('status.done'));
    r.after.replaceChildren(el('img', { src: URL.createObjectURL(res.body), alt: `${tr('label.after')}: ${name}` }), el('figcaption', { text: tr('label.after') }));
    r.after.hidden = false;
    const dl = el('button', { type: 'button', class: 'download', 'data-name': name, text: `${tr('label.download')}: ${name}` });
    dl.addEventListener('click', () => saveBlob(res.body, name));
    r.actions.append(dl);
    zipButton.hidden = done.length < 2;
    return 200;
  } catch (err) {
    r.set('failed', `${tr('status.failed')}: ${err.message}`);
    return 0;
  }
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  msg.textContent = '';
  if (!chosen.length) {
    msg.textContent = tr('label.noFiles');
    return;
  }
  const go = document.getElementById('label-go');
  go.disabled = true;
  const opts = options();
  const files = chosen;
  chosen = [];
  input.value = '';
  // One at a time: the server bounds concurrent jobs, and a desk batch is rarely large.
  for (const f of files) {
    const status = await labelOne(f, opts);
    if (status === 401 || status === 403) {
      msg.textContent = tr(status === 401 ? 'key.needed' : 'key.rejected');
      document.getElementById('key-input')?.focus();
      break;
    }
  }
  go.disabled = false;
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
  msg.textContent = files.map((f) => f.name).join(', ');
});

onLanguageChange(() => {});
initPage();
