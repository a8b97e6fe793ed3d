// API page: renders /api/openapi.json without any third-party viewer (the network is closed).
import { el, initPage, tr } from './common.js';

function schemaLine(name, s, required) {
  const type = s.enum ? s.enum.join(' | ') : s.format ? `${s.type} (${s.format})` : s.type ?? (s.$ref ? s.$ref.split('/').pop() : '');
  return el('li', {}, el('code', { text: name }), required ? ' *' : '', ` — ${type}`, s.description ? ` — ${s.description}` : '');
}

async function render() {
  const doc = await (await fetch('/api/openapi.json')).json();
  document.getElementById('api-info').textContent = `${doc.info.title} ${doc.info.version} — ${doc.info.description}`;
  const root = document.getElementById('api-paths');
  root.replaceChildren();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const sec = el('section', { class: 'endpoint' });
      const secured = (op.security ?? []).length && !(op.security ?? []).some((s) => Object.keys(s).length === 0);
      sec.append(el('h2', {}, el('span', { class: `method ${method}`, text: method.toUpperCase() }), ' ', el('code', { text: path }), secured ? el('span', { class: 'lock', 'data-i18n': 'api.auth', text: tr('api.auth') }) : ''));
      sec.append(el('p', { text: op.summary ?? '' }));
      if (op.description) sec.append(el('p', { class: 'muted', text: op.description }));
      if (op.parameters?.length) {
        sec.append(el('h3', { 'data-i18n': 'api.params', text: tr('api.params') }), el('ul', {}, op.parameters.map((p) => schemaLine(`${p.name} (${p.in})`, { ...p.schema, description: p.description }, p.required))));
      }
      const form = op.requestBody?.content?.['multipart/form-data']?.schema;
      if (form) {
        sec.append(el('h3', { 'data-i18n': 'api.body', text: tr('api.body') }), el('ul', {}, Object.entries(form.properties).map(([n, s]) => schemaLine(n, s, form.required?.includes(n)))));
      }
      sec.append(
        el('h3', { 'data-i18n': 'api.responses', text: tr('api.responses') }),
        el('ul', {}, Object.entries(op.responses).map(([code, r]) => el('li', {}, el('code', { text: code }), ` ${r.description}`))),
      );
      root.append(sec);
    }
  }
}

initPage();
render();
