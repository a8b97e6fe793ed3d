// Verify page: drop a file, see it (with the warning's region outlined), its verdict and
// signer badges, advice that fits the verdict, the actions in plain words and the
// provenance chain as a tree with thumbnails. Every string that comes from the file (titles,
// signer names, software agents) is set with textContent.
import {
  apiKey,
  date,
  dropZone,
  el,
  initPage,
  lang,
  onLanguageChange,
  postFile,
  problemNode,
  problemOf,
  saveBlob,
  serviceInfo,
  say,
  sizes,
  tr,
} from './common.js';
import { fmtSize } from './i18n.js';
import { readText, textBlock } from './text-preview.js';
import {
  actionName,
  c2paCodeText,
  relationName,
  signalLine,
  signalSourceName,
  signerTrust,
  sourceTypeName,
  stateName,
  VERDICT_TONE,
  verdictName,
  verdictOf,
} from './vocab.js';

let info;
let last; // { report, file, url }
const msg = document.getElementById('verify-msg');
const status = document.getElementById('verify-status');
const $ = (id) => document.getElementById(id);

const yn = (v) => (v === true ? tr('yes') : v === false ? tr('no') : tr('unknown'));

/** A term and its value; `as` 'code' for ids and hashes, 'data' for words the file itself carries (kept as they are). */
function fact(dl, key, value, as) {
  if (value === undefined || value === null || value === '') return;
  const v = as === 'code' ? el('code', { text: String(value) }) : as === 'data' ? el('bdi', { text: String(value) }) : String(value);
  dl.append(el('dt', { text: tr(key) }), el('dd', {}, v));
}

function adviceKey(r, verdict, trust) {
  if (verdict === 'invalid') return 'advice.invalid';
  if (verdict === 'compliant') return trust === 'development' ? 'advice.compliantDev' : 'advice.compliant';
  if (verdict === 'non-compliant') return 'advice.nonCompliant';
  if (verdict === 'not-ai') return 'advice.notAi';
  if (r.c2pa?.state === 'unreadable') return 'advice.unreadable';
  if (r.c2pa?.state === 'remote') return 'advice.remote';
  if (r.c2pa?.state === 'valid' || r.c2pa?.state === 'trusted') return 'advice.signedNoAi';
  return 'advice.unknown';
}

/** The verdict in sentences of the page's language, made from the report's fields (its own summary is kept in the JSON). */
function summaryLines(r) {
  const c = r.c2pa ?? {};
  const evidence = [...new Set((r.signals ?? []).filter((s) => s.ai === true || s.source === 'registry').map((s) => signalSourceName(s.source)))].join(', ');
  const who = c.signer?.organisation ?? c.signer?.commonName ?? '?';
  const lines = [r.aiGenerated === true ? tr('sum.ai', { evidence }) : r.aiGenerated === false ? tr('sum.notAi') : tr('sum.unknownAi')];
  lines.push(tr(`sum.state.${['absent', 'valid', 'trusted', 'invalid', 'unreadable', 'remote'].includes(c.state) ? c.state : 'other'}`, { who }));
  if (c.visibleWarning?.signer === 'untrusted') lines.push(tr('sum.warningUntrusted'));
  return lines;
}

/** When it was signed; else when our record says it was labelled; else when it was checked, each labelled as what it is. */
function timeFact(dl, r) {
  const c = r.c2pa ?? {};
  if (c.signedAt) return fact(dl, 'f.signedAt', date(c.signedAt));
  const ours = (r.signals ?? []).find((s) => s.source === 'registry' && s.record?.time);
  if (ours) fact(dl, 'f.labelledAt', `${date(ours.record.time)} (${tr('f.recordTimeNote')})`);
  else if (c.state === 'valid' || c.state === 'trusted') fact(dl, 'f.signedAt', tr('f.noTimestamp'));
  fact(dl, 'f.checkedAt', date(r.checkedAt));
}

function actionLine(a) {
  const parts = [actionName(a.action)];
  if (a.digitalSourceType) parts.push(sourceTypeName(a.digitalSourceType));
  if (a.softwareAgent) parts.push(tr('action.with', { agent: a.softwareAgent }));
  if (a.when && date(a.when)) parts.push(date(a.when));
  return parts.join(' — ');
}

function thumb(src, alt) {
  return src ? el('img', { class: 'thumb', src, alt }) : el('span', { class: 'thumb none', 'aria-hidden': 'true' });
}

function stateBadge(state) {
  const tone = state === 'trusted' || state === 'valid' ? 'good' : state === 'invalid' ? 'bad' : 'neutral';
  return el('span', { class: `chip ${tone}`, 'data-state': state ?? 'absent', text: stateName(state ?? 'absent') });
}

/** One node of the provenance tree: a disclosure with thumbnail, title, relation and state; its ingredients nested below. */
function node(n, depth) {
  const codes = (n.codes ?? []).filter((c) => c !== 'signingCredential.untrusted');
  const body = el('dl', { class: 'facts small' });
  if (n.relationship) fact(body, 'chain.relation', relationName(n.relationship));
  body.append(el('dt', { text: tr('f.c2pa') }), el('dd', {}, stateBadge(n.state)));
  if (codes.length)
    body.append(
      el('dt', { text: tr('chain.problems') }),
      el(
        'dd',
        {},
        el(
          'ul',
          {},
          codes.map((c) => el('li', { text: c2paCodeText(c) })),
        ),
      ),
    );
  if (n.activeManifest) fact(body, 'chain.manifest', n.activeManifest, 'code');
  const title = n.title ? el('bdi', { text: n.title }) : el('span', { text: tr('chain.untitled') });
  const summary = el(
    'summary',
    {},
    thumb(n.thumbnail, ''),
    el('span', { class: 'node-title' }, title, el('span', { class: 'muted' }, ` · ${relationName(n.relationship)}`)),
    ' ',
    stateBadge(n.state),
  );
  const children = (n.ingredients ?? []).map((i) => node(i, depth + 1));
  return el('li', {}, el('details', { open: depth < 2 }, summary, body, children.length ? el('ul', {}, children) : ''));
}

function chainTree(r) {
  const c = r.c2pa ?? {};
  if (!c.activeManifest) return [el('li', { class: 'muted', text: tr('chain.none') })];
  const s = c.signer ?? {};
  const body = el('dl', { class: 'facts small' });
  fact(body, 'f.signer', [s.organisation, s.commonName].filter(Boolean).join(' · '), 'data');
  fact(body, 'f.generator', c.claimGenerator, 'data');
  fact(body, 'chain.manifest', c.activeManifest, 'code');
  const summary = el(
    'summary',
    {},
    thumb(c.thumbnail, ''),
    el('span', { class: 'node-title' }, el('bdi', { text: r.file ?? '' }), el('span', { class: 'muted' }, ` · ${tr('chain.thisFile')}`)),
    ' ',
    stateBadge(c.state),
  );
  const children = (c.ingredients ?? []).map((i) => node(i, 1));
  return [
    el(
      'li',
      {},
      el('details', { open: true }, summary, body, children.length ? el('ul', {}, children) : el('p', { class: 'muted', text: tr('chain.noIngredients') })),
    ),
  ];
}

/** The file itself: a picture with the warning's recorded region outlined, or the text. */
async function drawPreview(r, file, url) {
  const frame = $('preview-frame');
  frame.replaceChildren();
  $('region-note').hidden = true;
  if (r.kind === 'text') {
    const wording = Object.values(r.c2pa?.visibleWarning?.wording ?? {});
    frame.append(textBlock(await readText(file), 'start', wording));
    return;
  }
  const img = el('img', { src: url, alt: tr('verify.previewAlt', { name: file.name }) });
  img.addEventListener('error', () => img.replaceWith(el('p', { class: 'no-preview muted', text: tr('label.noPreview') })));
  frame.append(img);
  // Only an intact manifest's word on where the warning is gets drawn.
  const intact = r.c2pa?.state === 'valid' || r.c2pa?.state === 'trusted';
  const region = intact ? r.c2pa?.visibleWarning?.region : undefined;
  const box = region && ['x', 'y', 'width', 'height'].every((k) => Number.isFinite(region[k])) ? region : undefined;
  if (!box) return;
  const place = () => {
    const { naturalWidth: w, naturalHeight: h } = img;
    if (!w || !h) return;
    const pct = (v, of) => `${Math.max(0, Math.min(100, (v / of) * 100))}%`;
    const div = el('div', { class: 'region', 'aria-hidden': 'true' });
    frame.append(div);
    // CSSOM, not a style attribute: the CSP allows no inline styles.
    Object.assign(div.style, { left: pct(box.x, w), top: pct(box.y, h), width: pct(box.width, w), height: pct(box.height, h) });
    $('region-note').hidden = false;
    $('region-note').textContent = tr('verify.regionNote');
  };
  if (img.complete) place();
  else img.addEventListener('load', place, { once: true });
}

/** One line per labelling profile: its verdict, and what it misses, in the report's own kk/ru/en words. */
function profileLines(r) {
  const l = lang();
  return Object.entries(r.profiles ?? {}).map(([id, p]) =>
    el(
      'li',
      { class: p.compliant ? 'ok' : 'no', 'data-profile': id },
      el('strong', { text: `${tr(`profile.${id}`)}: ` }),
      tr(p.compliant ? 'p.ok' : 'p.notOk'),
      p.missing?.length ? ` · ${tr('p.missing', { list: p.missing.map((m) => m[l] ?? m.en).join('; ') })}` : '',
      p.notes?.length ? ` · ${tr('p.notes', { list: p.notes.map((m) => m[l] ?? m.en).join('; ') })}` : '',
    ),
  );
}

/** Personal data the file would give away (source protection), each by its kind and field, never its value. */
function privacyBox(r) {
  const items = r.privacy ?? [];
  $('privacy').hidden = !items.length;
  $('privacy-list').replaceChildren(
    ...items.map((p) => el('li', { 'data-kind': p.kind }, el('strong', { text: `${tr(`privacy.kind.${p.kind}`)}: ` }), el('code', { text: p.field }))),
  );
}

/** The clean copy: sent with the key (it is authenticated like labelling), saved as name.clean.ext. */
async function cleanCopy() {
  if (!last) return;
  const out = $('clean-msg');
  out.replaceChildren();
  say(out, 'status.working');
  try {
    const res = await postFile('/api/v1/clean', last.file, {});
    say(out, '');
    if (res.status !== 200) {
      out.append(problemNode(problemOf(res.status, await res.body.text())));
      return;
    }
    const cd = res.header('content-disposition') ?? '';
    const encoded = /filename\*=UTF-8''([^;]+)/.exec(cd)?.[1];
    saveBlob(res.body, encoded ? decodeURIComponent(encoded) : (/filename="([^"]+)"/.exec(cd)?.[1] ?? `clean-${last.file.name}`));
    say(out, 'privacy.cleaned', { n: res.header('x-privacy-removed') ?? '0' });
  } catch (err) {
    say(out, '');
    out.append(problemNode(err.problem ?? { status: 0, code: 'network', detail: '' }));
  }
}

function render() {
  if (!last) return;
  const { report: r, file, url } = last;
  const verdict = verdictOf(r);
  const trust = signerTrust(r, info);
  $('report-file').textContent = file.name;
  const badge = $('verdict');
  badge.textContent = verdictName(verdict);
  badge.className = `badge ${verdict === 'compliant' && trust === 'development' ? 'warn' : VERDICT_TONE[verdict]}`;
  badge.dataset.verdict = verdict;
  const tb = $('trust');
  tb.hidden = !trust;
  if (trust) {
    tb.textContent = tr(`trust.${trust}`, { org: r.c2pa?.signer?.organisation ?? '' });
    tb.className = `badge trust ${trust === 'trusted' || trust === 'own' ? 'good' : 'warn'}`;
    tb.dataset.trust = trust;
  }
  const advice = $('advice');
  advice.textContent = tr(adviceKey(r, verdict, trust));
  advice.className = `advice ${VERDICT_TONE[verdict]}`;
  $('summary').replaceChildren(...summaryLines(r).map((l) => el('li', { text: l })));

  const dl = $('facts');
  dl.replaceChildren();
  const c = r.c2pa ?? {};
  fact(dl, 'f.format', `${String(r.format ?? '').toUpperCase()} · ${fmtSize(r.bytes ?? 0, lang())}`);
  fact(dl, 'f.ai', yn(r.aiGenerated));
  fact(dl, 'f.c2pa', stateName(c.state));
  const s = c.signer ?? {};
  fact(dl, 'f.signer', [s.organisation, s.commonName].filter(Boolean).join(' · '), 'data');
  timeFact(dl, r);
  // Our own tool is listed as an agent of the edit; the question here is which AI made it.
  // Which AI: the actions' agents, else what the IPTC AI fields or a known generator name.
  const named = (r.signals ?? []).map((sg) => (sg.source === 'xmp-iptc-ai' ? sg.aiSystem : sg.generator)).filter((g) => typeof g === 'string');
  const agents = [...new Set([...(c.actions ?? []).map((a) => a.softwareAgent), ...named].filter((a) => a && !String(a).startsWith('ai-provenance-labeller')))];
  fact(dl, 'f.aiSystem', agents.join(', '), 'data');
  fact(dl, 'f.generator', c.claimGenerator, 'data');
  if (r.recordId) fact(dl, 'f.checkRecord', r.recordId, 'code');
  fact(dl, 'f.sha256', r.sha256, 'code');

  const comp = r.compliance ?? {};
  $('compliance').replaceChildren(
    el('li', { class: comp.machineReadable ? 'ok' : 'no', text: tr(comp.machineReadable ? 'c.machine.ok' : 'c.machine.no') }),
    el('li', {
      class: comp.visibleWarning === true ? 'ok' : 'no',
      text: tr(comp.visibleWarning === true ? 'c.visible.ok' : comp.visibleWarning === false ? 'c.visible.no' : 'c.visible.unknown'),
    }),
    el('li', { class: comp.compliant ? 'good-text' : 'bad-text', text: tr(comp.compliant ? 'c.ok' : 'c.notOk') }),
  );
  $('profiles').replaceChildren(...profileLines(r));
  privacyBox(r);
  const actions = c.actions ?? [];
  $('actions').replaceChildren(
    ...(actions.length ? actions.map((a) => el('li', { text: actionLine(a) })) : [el('li', { class: 'muted', text: tr('actions.none') })]),
  );
  $('chain').replaceChildren(...chainTree(r));
  const signals = r.signals ?? [];
  $('signals').replaceChildren(
    ...(signals.length
      ? signals.map((sg) =>
          el(
            'li',
            { 'data-ai': String(sg.ai) },
            el('span', {
              class: `dot ${sg.ai === true ? 'ai' : sg.ai === false ? 'notai' : ''}`,
              text: sg.ai === true ? tr('sig.saysAi') : sg.ai === false ? tr('sig.saysNotAi') : tr('sig.neutral'),
            }),
            ' ',
            el('strong', { text: signalSourceName(sg.source) }),
            ': ',
            el('span', { text: signalLine(sg) }),
          ),
        )
      : [el('li', { class: 'muted', text: tr('signals.none') })]),
  );
  $('raw').textContent = JSON.stringify(r, null, 2);
  const thumbFig = $('manifest-thumb');
  thumbFig.hidden = !c.thumbnail;
  if (c.thumbnail) {
    $('manifest-thumb-img').src = c.thumbnail;
    $('manifest-thumb-img').alt = tr('verify.manifestThumb');
  }
  $('report').hidden = false;
  drawPreview(r, file, url);
}

async function send(file, withKey) {
  // Unticked: the pixels are not read (REST ocr=false), and the report says the visible layer is unknown.
  const res = await postFile('/api/v1/verify?preview=1', file, $('read-pixels').checked ? {} : { ocr: 'false' }, undefined, withKey);
  return { res, text: await res.body.text() };
}

async function verifyFile(file) {
  say(msg, '');
  if (info && file.size > info.limits.maxUploadBytes) {
    say(msg, 'label.tooLarge', sizes(file.size, info.limits.maxUploadBytes));
    return;
  }
  say(status, 'status.working');
  $('report').hidden = true;
  try {
    // With the key when there is one, so the check is recorded in full under its name.
    let { res, text } = await send(file, true);
    if ((res.status === 401 || res.status === 403) && apiKey()) ({ res, text } = await send(file, false));
    say(status, '');
    if (res.status !== 200) {
      msg.append(problemNode(problemOf(res.status, text)));
      return;
    }
    if (last?.url) URL.revokeObjectURL(last.url);
    last = { report: JSON.parse(text), file, url: URL.createObjectURL(file) };
    render();
    say(status, 'verify.done', { verdict: verdictName(verdictOf(last.report)) });
    $('report').focus();
  } catch (err) {
    say(status, '');
    msg.append(problemNode(err.problem ?? { status: 0, code: 'network', detail: '' }));
  }
}

$('clean-btn').addEventListener('click', cleanCopy);
const input = $('file');
dropZone($('drop'), input, (files) => files[0] && verifyFile(files[0]));
onLanguageChange(() => {
  if (last && status.dataset.i18n === 'verify.done') say(status, 'verify.done', { verdict: verdictName(verdictOf(last.report)) });
  if (info) $('verify-limit').textContent = tr('verify.limit', { size: fmtSize(info.limits.maxUploadBytes, lang()) });
  render();
});
initPage();
serviceInfo().then((i) => {
  info = i;
  if (info) $('verify-limit').textContent = tr('verify.limit', { size: fmtSize(info.limits.maxUploadBytes, lang()) });
  render();
});
