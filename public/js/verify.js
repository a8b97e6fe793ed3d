// Verify page: drop a file, show the report in plain words. Every string that comes from
// the file (titles, signer names, software agents) is set with textContent.
import { dropZone, el, initPage, lang, onLanguageChange, postFile, problemText, tr } from './common.js';

let last;
const msg = document.getElementById('verify-msg');

function verdict(r) {
  if (r.tampered) return ['tampered', 'bad'];
  if (r.c2pa?.state === 'invalid') return ['invalid', 'bad'];
  if (r.compliance?.compliant) return ['compliant', 'good'];
  if (r.aiGenerated === true) return ['partial', 'warn'];
  if (r.c2pa?.state === 'valid' || r.c2pa?.state === 'trusted') return ['signedNotAi', 'neutral'];
  return ['none', 'neutral'];
}

const yn = (v) => (v === true ? tr('yes') : v === false ? tr('no') : tr('unknown'));

function fact(dl, key, value) {
  if (value === undefined || value === null || value === '') return;
  dl.append(el('dt', { text: tr(key) }), el('dd', { text: String(value) }));
}

function render(r) {
  const [v, tone] = verdict(r);
  const badge = document.getElementById('verdict');
  badge.textContent = tr(`verdict.${v}`);
  badge.className = `badge ${tone}`;
  badge.dataset.verdict = v;
  document.getElementById('summary').textContent = r.summary?.[lang()] ?? r.summary?.en ?? '';

  const dl = document.getElementById('facts');
  dl.replaceChildren();
  const c = r.c2pa ?? {};
  fact(dl, 'f.file', r.file);
  fact(dl, 'f.format', r.mimeType);
  fact(dl, 'f.ai', yn(r.aiGenerated));
  fact(dl, 'f.c2pa', c.state);
  const s = c.signer ?? {};
  fact(dl, 'f.signer', [s.organisation, s.commonName, s.issuer && `(${s.issuer})`].filter(Boolean).join(' · '));
  fact(dl, 'f.signedAt', c.signedAt ? new Date(c.signedAt).toLocaleString(lang()) : undefined);
  // Our own tool is listed as an agent of the edit; the question here is which AI made it.
  const agents = [...new Set((c.actions ?? []).map((a) => a.softwareAgent).filter((a) => a && !String(a).startsWith('ai-provenance-labeller')))];
  fact(dl, 'f.aiSystem', agents.join(', '));
  fact(dl, 'f.generator', c.claimGenerator);
  fact(dl, 'f.sha256', r.sha256);

  const comp = r.compliance ?? {};
  document.getElementById('compliance').replaceChildren(
    el('li', { text: tr(comp.machineReadable ? 'c.machine.ok' : 'c.machine.no') }),
    el('li', { text: tr(comp.visibleWarning === true ? 'c.visible.ok' : comp.visibleWarning === false ? 'c.visible.no' : 'c.visible.unknown') }),
    el('li', { class: comp.compliant ? 'good-text' : 'bad-text', text: tr(comp.compliant ? 'c.ok' : 'c.notOk') }),
  );

  const chain = document.getElementById('chain');
  chain.replaceChildren();
  if (c.activeManifest) {
    chain.append(el('li', {}, el('strong', { text: tr('chain.active') }), ': ', el('code', { text: c.activeManifest })));
    for (const ing of c.ingredients ?? []) {
      chain.append(el('li', { text: [ing.relationship, ing.title, ing.state, ing.activeManifest].filter(Boolean).join(' · ') }));
    }
  } else chain.append(el('li', { text: tr('chain.none') }));

  document.getElementById('signals').replaceChildren(...(r.signals ?? []).map((sg) => el('li', {}, el('code', { text: sg.source }), ` ${sg.ai === true ? '●' : sg.ai === false ? '○' : '·'} `, el('span', { text: sg.detail }))));
  document.getElementById('raw').textContent = JSON.stringify(r, null, 2);
  document.getElementById('report').hidden = false;
}

async function verifyFile(file) {
  msg.textContent = tr('status.working');
  document.getElementById('report').hidden = true;
  try {
    const res = await postFile('/api/v1/verify', file, {});
    const text = await res.body.text();
    if (res.status !== 200) {
      msg.textContent = await problemText(res.status, text);
      return;
    }
    msg.textContent = '';
    last = JSON.parse(text);
    render(last);
  } catch (err) {
    msg.textContent = err.message;
  }
}

const input = document.getElementById('file');
dropZone(document.getElementById('drop'), input, (files) => files[0] && verifyFile(files[0]));
onLanguageChange(() => last && render(last));
initPage();
