// Survival page: one labelled file in, the copies platforms and editors make of it out, each
// with a green or red mark per layer (visible warning, XMP, C2PA, soft binding, record), so a
// newsroom sees why the warning in the pixels and the soft binding are the layers that last.
import { dropZone, el, initPage, keyPanel, lang, onLanguageChange, postFile, problemNode, problemOf, say, tr } from './common.js';
import { fmtSize } from './i18n.js';

const $ = (id) => document.getElementById(id);
const msg = $('survive-msg');
const status = $('survive-status');
const LAYERS = ['visibleWarning', 'xmp', 'c2pa', 'iscc', 'record', 'watermark'];
let last;

initPage();
const key = keyPanel();

/** A layer's mark: a word and a sign as well as a colour (colour alone says nothing to some readers). */
function mark(layer, name) {
  const s = layer?.survives;
  const tone = s === true ? 'good' : s === false ? 'bad' : 'neutral';
  const word = tr(s === true ? 'survive.kept' : s === false ? 'survive.lost' : 'survive.na');
  const extra = name === 'iscc' && typeof layer?.distance === 'number' ? ` · ${tr('survive.bits', { n: layer.distance })}` : '';
  // The service's own (English) detail of each layer stays in the JSON under technical details.
  return el('span', { class: `badge small ${tone}` }, `${s === true ? '✓' : s === false ? '✗' : '–'} ${word}${extra}`);
}

function copyCell(c) {
  const name = tr(`survive.copy.${c.id}`);
  const size = c.width ? `${c.width} × ${c.height} · ${fmtSize(c.bytes, lang())}` : fmtSize(c.bytes, lang());
  return el(
    'td',
    { 'data-label': tr('survive.copy'), class: 'copy-cell' },
    c.thumbnail ? el('img', { src: c.thumbnail, alt: tr('survive.thumbAlt', { copy: name }), class: 'copy-thumb', loading: 'lazy' }) : '',
    el('span', { class: 'copy-name', text: name }),
    el('span', { class: 'muted small', text: size }),
    c.excerpt ? el('q', { class: 'copy-excerpt', text: `${c.excerpt.slice(0, 120)}…` }) : '',
  );
}

function row(c) {
  return el(
    'tr',
    { 'data-copy': c.id },
    copyCell(c),
    ...LAYERS.map((l) => el('td', { 'data-label': tr(`survive.layer.${l}`), 'data-layer': l }, mark(c.layers[l], l))),
  );
}

function render() {
  if (!last) return;
  const r = last;
  $('survival-file').textContent = r.file ?? '';
  const original = { id: 'original', what: '', mimeType: '', bytes: 0, layers: r.original.layers };
  $('copies-body').replaceChildren(row({ ...original, bytes: last.bytes ?? 0 }), ...r.copies.map(row));
  const all = r.copies.length;
  const traced = r.copies.filter((c) => c.layers.record.survives === true || c.layers.iscc.survives === true).length;
  const seen = r.copies.filter((c) => c.layers.visibleWarning.survives === true).length;
  const manifest = r.copies.filter((c) => c.layers.c2pa.survives === true).length;
  const advice = $('survival-advice');
  advice.className = `advice ${traced === all ? 'good' : 'warn'}`;
  advice.textContent = tr('survive.advice', { all, seen, manifest, traced });
  $('survival-raw').textContent = JSON.stringify(r, null, 2);
  $('survival').hidden = false;
}

async function surviveFile(file) {
  say(msg, '');
  msg.replaceChildren();
  say(status, 'survive.working');
  $('survival').hidden = true;
  try {
    const res = await postFile('/api/v1/survive?preview=1', file, {});
    const text = await res.body.text();
    if (res.status !== 200) {
      say(status, '');
      if (res.status === 401 || res.status === 403) key.rejected(res.status);
      msg.append(problemNode(problemOf(res.status, text)));
      return;
    }
    last = { ...JSON.parse(text), bytes: file.size };
    render();
    say(status, 'survive.done', { n: last.copies.length });
    $('survival').focus();
  } catch (err) {
    say(status, '');
    msg.append(problemNode(err.problem ?? { status: 0, code: 'network', detail: '' }));
  }
}

dropZone($('drop'), $('file'), (files) => files[0] && surviveFile(files[0]));
onLanguageChange(() => {
  render();
  if (last && status.dataset.i18n === 'survive.done') say(status, 'survive.done', { n: last.copies.length });
});
