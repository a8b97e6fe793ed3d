// Shared by every page: language switch, the API key, small DOM helpers, API calls, errors.
// Text from the server or from files is always set with textContent, never as HTML.
import { fmtBytes, fmtDate, fmtSize, has, LANGS, t } from './i18n.js';

const LANG_KEY = 'labeller.lang';
const API_KEY = 'labeller.apiKey';
const listeners = [];

export function lang() {
  const saved = localStorage.getItem(LANG_KEY);
  return LANGS.includes(saved) ? saved : 'kk';
}

export function tr(key, vars) {
  return t(key, lang(), vars);
}

export function date(iso) {
  return fmtDate(iso, lang());
}

/** Puts a catalogue string into `node` and keeps it in the page's language when the language changes ('' empties it). */
export function say(node, key, vars) {
  if (!key) {
    delete node.dataset.i18n;
    delete node.dataset.i18nVars;
    node.textContent = '';
    return;
  }
  node.dataset.i18n = key;
  if (vars) node.dataset.i18nVars = JSON.stringify(vars);
  else delete node.dataset.i18nVars;
  node.textContent = tr(key, vars);
}

/** A file's size and the limit for a message, in bytes when the rounded sizes would read the same. */
export function sizes(size, limit) {
  const [a, b] = [fmtSize(size, lang()), fmtSize(limit, lang())];
  return a === b ? { size: fmtBytes(size, lang()), limit: fmtBytes(limit, lang()) } : { size: a, limit: b };
}

export function onLanguageChange(fn) {
  listeners.push(fn);
}

export function applyLanguage() {
  const l = lang();
  document.documentElement.lang = l;
  for (const node of document.querySelectorAll('[data-i18n]'))
    node.textContent = t(node.dataset.i18n, l, node.dataset.i18nVars ? JSON.parse(node.dataset.i18nVars) : undefined);
  for (const node of document.querySelectorAll('[data-i18n-aria]')) node.setAttribute('aria-label', t(node.dataset.i18nAria, l));
  const title = document.querySelector('[data-i18n-doc-title]');
  if (title) document.title = `${t(title.dataset.i18nDocTitle, l)} · ${t('app.title', l)}`;
  const sel = document.getElementById('lang-select');
  if (sel) sel.value = l;
  for (const fn of listeners) fn(l);
}

// The key is kept in localStorage so every tab of this site shares it, until "Forget key".
export function apiKey() {
  return localStorage.getItem(API_KEY) || sessionStorage.getItem(API_KEY) || '';
}

function storeKey(k) {
  sessionStorage.removeItem(API_KEY);
  if (k) localStorage.setItem(API_KEY, k);
  else localStorage.removeItem(API_KEY);
}

export function authHeaders(withKey = true) {
  const k = withKey ? apiKey() : '';
  return k ? { Authorization: `Bearer ${k}`, 'X-Labeller-Client': 'web' } : { 'X-Labeller-Client': 'web' };
}

/** Header wiring: the language select. Call once per page. */
export function initPage() {
  const sel = document.getElementById('lang-select');
  sel?.addEventListener('change', () => {
    localStorage.setItem(LANG_KEY, sel.value);
    applyLanguage();
  });
  // Another tab switched the language or saved/forgot the key.
  window.addEventListener('storage', (e) => {
    if (e.key === LANG_KEY) applyLanguage();
  });
  const here = location.pathname.replace(/\/$/, '/index.html');
  for (const a of document.querySelectorAll('nav a')) {
    if (here.endsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page');
  }
  applyLanguage();
}

/** Creates an element; children are nodes or strings (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = String(v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

let infoPromise;
/** GET /api/v1/info once per page: signer kind, limits, option vocabulary. */
export function serviceInfo() {
  infoPromise ??= fetch('/api/v1/info')
    .then((r) => (r.ok ? r.json() : undefined))
    .catch(() => undefined);
  return infoPromise;
}

/**
 * A failed response as the page shows it: the sentence for its stable code in the page's
 * language, and the server's own (English) detail kept apart for "technical details".
 */
export function problemOf(status, bodyText) {
  let p;
  try {
    p = JSON.parse(bodyText);
  } catch {
    /* not a problem document */
  }
  const code =
    typeof p?.code === 'string'
      ? p.code
      : status === 401
        ? 'missing_key'
        : status === 403
          ? 'bad_key'
          : status === 429
            ? 'rate_limited'
            : status >= 500
              ? 'busy'
              : 'http';
  return { status, code, detail: typeof p?.detail === 'string' ? p.detail : '' };
}

/** The translated sentence of a problem's code (a generic one for a code this page does not know). */
export function problemText(problem) {
  if (typeof problem.message === 'function') return problem.message();
  return has(`err.${problem.code}`) ? tr(`err.${problem.code}`) : tr('err.other', { status: problem.status });
}

/** A message block: the sentence, and the server's detail under a closed "technical details". */
export function problemNode(problem, prefix) {
  const text = prefix ? `${prefix}: ${problemText(problem)}` : problemText(problem);
  // Only a service's answer has technical details; the page's own checks have none.
  const tech = problem.status ? [problem.code && `code: ${problem.code}`, `HTTP ${problem.status}`, problem.detail].filter(Boolean).join(' · ') : '';
  return el(
    'span',
    { class: 'problem' },
    el('span', { text }),
    tech ? el('details', { class: 'tech' }, el('summary', { text: tr('err.tech') }), el('code', { text: tech })) : '',
  );
}

/** POST a file with upload progress (fetch has none). Resolves { status, header(name), body: Blob }. */
export function postFile(url, file, fields, onProgress, withKey = true) {
  return new Promise((resolve, reject) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') fd.append(k, v);
    fd.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(authHeaders(withKey))) xhr.setRequestHeader(k, v);
    xhr.responseType = 'blob';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.('upload', e.loaded / e.total);
    xhr.upload.onload = () => onProgress?.('working', 1);
    xhr.onload = () => resolve({ status: xhr.status, header: (n) => xhr.getResponseHeader(n), body: xhr.response });
    xhr.onerror = () => reject(Object.assign(new Error('network'), { problem: { status: 0, code: 'network', detail: '' } }));
    xhr.send(fd);
  });
}

/** GET JSON with the key; resolves { ok, status, json, problem }. */
export async function getJson(url) {
  let res;
  try {
    res = await fetch(url, { headers: authHeaders() });
  } catch {
    return { ok: false, status: 0, problem: { status: 0, code: 'network', detail: '' } };
  }
  const text = await res.text();
  if (!res.ok) return { ok: false, status: res.status, problem: problemOf(res.status, text) };
  return { ok: true, status: res.status, json: JSON.parse(text) };
}

/** The download name from Content-Disposition (filename* first). */
export function filenameFrom(disposition, fallback) {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]);
    } catch {
      /* fall through */
    }
  }
  const plain = /filename="([^"]*)"/i.exec(disposition);
  return plain ? plain[1] : fallback;
}

/** `photo.jpg` → `photo.labelled.jpg`, as the CLI suggests: a download never takes the original's name. */
export function labelledName(name) {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}.labelled${name.slice(dot)}` : `${name}.labelled`;
}

/** Makes a drop zone feed a file input; keyboard users use the input itself. */
export function dropZone(zone, input, onFiles) {
  input.addEventListener('change', () => onFiles([...input.files]));
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer?.files?.length) onFiles([...e.dataTransfer.files]);
  });
}

export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * The key panel of the Label and History pages. A saved key is checked against the service
 * (a one-row record query) so the page says honestly whether it was accepted.
 * `onChange(state)` runs after every change: 'none', 'accepted', 'rejected', 'unchecked'.
 */
export function keyPanel(onChange = () => {}) {
  const form = document.getElementById('key-form');
  const input = document.getElementById('key-input');
  const state = document.getElementById('key-state');
  const forget = document.getElementById('key-forget');
  let current = apiKey() ? 'unchecked' : 'none';
  const show = () => {
    state.textContent = tr(`key.${current}`);
    state.dataset.state = current;
    form.hidden = current === 'accepted' || current === 'unchecked';
    forget.hidden = !apiKey();
  };
  const set = (s) => {
    current = s;
    show();
    onChange(s);
  };
  const check = async () => {
    if (!apiKey()) return set('none');
    state.textContent = tr('key.checking');
    const r = await getJson('/api/v1/records?limit=1');
    if (r.ok) return set('accepted');
    if (r.status === 401 || r.status === 403) {
      storeKey('');
      return set('rejected');
    }
    set('unchecked');
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = input.value.trim();
    input.value = '';
    if (!v) return;
    storeKey(v);
    check();
  });
  forget.addEventListener('click', () => {
    storeKey('');
    set('none');
    input.focus();
  });
  window.addEventListener('storage', (e) => e.key === API_KEY && check());
  onLanguageChange(show);
  show();
  if (apiKey()) check();
  return {
    /** The service refused the key while working (401/403): say so, ask again. */
    rejected(status) {
      if (status === 403) storeKey('');
      set(status === 401 && !apiKey() ? 'none' : 'rejected');
      input.focus();
    },
    get state() {
      return current;
    },
  };
}
