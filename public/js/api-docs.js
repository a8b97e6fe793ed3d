// API page: renders /api/openapi.json without any third-party viewer (the network is closed).
// The document is in English; the page says every operation, field, parameter and response in
// the page's language from the catalogue, by operationId, field name and status code.
// Names a program sends (paths, fields, values) stay as code.
import { has } from './i18n.js';
import { el, initPage, onLanguageChange, tr } from './common.js';

let doc;

const words = (key, fallbackKey) => (has(key) ? tr(key) : tr(fallbackKey));

function schemaLine(name, s, required, descKey) {
  const values = s.enum ? s.enum : undefined;
  const type = s.format === 'binary' ? tr('api.type.file') : words(`api.type.${s.type ?? 'string'}`, 'api.type.string');
  return el(
    'li',
    {},
    el('code', { text: name }),
    required ? el('span', { class: 'req', text: ` (${tr('api.required')})` }) : '',
    ` — ${type}`,
    values ? [': ', ...values.flatMap((v, i) => [i ? ', ' : '', el('code', { text: String(v) })])] : '',
    ` — ${words(descKey, 'api.noDesc')}`,
  );
}

function render() {
  if (!doc) return;
  document.getElementById('api-info').textContent = tr('api.version', { version: doc.info.version });
  const root = document.getElementById('api-paths');
  root.replaceChildren();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const id = op.operationId ?? `${method} ${path}`;
      const sec = el('section', { class: 'endpoint' });
      const secured = (op.security ?? []).length && !(op.security ?? []).some((s) => Object.keys(s).length === 0);
      sec.append(
        el(
          'h2',
          {},
          el('span', { class: `method ${method}`, text: method.toUpperCase() }),
          ' ',
          el('code', { text: path }),
          el('span', { class: 'lock', text: tr(secured ? 'api.auth' : 'api.open') }),
        ),
      );
      sec.append(el('p', { text: words(`api.op.${id}`, 'api.noDesc') }));
      if (op.parameters?.length) {
        sec.append(
          el('h3', { text: tr('api.params') }),
          el(
            'ul',
            {},
            op.parameters.map((p) => schemaLine(p.name, p.schema ?? {}, p.required, `api.param.${p.name}`)),
          ),
        );
      }
      const form = op.requestBody?.content?.['multipart/form-data']?.schema;
      if (form) {
        sec.append(
          el('h3', { text: tr('api.body') }),
          el(
            'ul',
            {},
            Object.entries(form.properties).map(([n, s]) => schemaLine(n, s, form.required?.includes(n), `api.field.${n}`)),
          ),
        );
      }
      sec.append(
        el('h3', { text: tr('api.responses') }),
        el(
          'ul',
          {},
          Object.keys(op.responses).map((code) =>
            el(
              'li',
              {},
              el('code', { text: code }),
              ` — ${words(`api.status.${id}.${code}`, has(`api.status.${code}`) ? `api.status.${code}` : 'api.status.other')}`,
            ),
          ),
        ),
      );
      root.append(sec);
    }
  }
}

onLanguageChange(render);
initPage();
fetch('/api/openapi.json')
  .then((r) => r.json())
  .then((d) => {
    doc = d;
    render();
  });
