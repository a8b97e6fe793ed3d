// Shared by every page: language switch, the API key, small DOM helpers, API calls.
// Text from the server or from files is always set with textContent, never as HTML.
import { LANGS, t } from './i18n.js';

const LANG_KEY = 'labeller.lang';
const API_KEY = 'labeller.apiKey';
const listeners = [];

export function lang() {
  const saved = localStorage.getItem(LANG_KEY);
  return LANGS.includes(saved) ? saved : 'kk';
}

export function tr(key) {
  return t(key, lang());
}

export function onLanguageChange(fn) {
  listeners.push(fn);
}

export function applyLanguage() {
  const l = lang();
  document.documentElement.lang = l;
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n, l);
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle, l);
  const title = document.querySelector('[data-i18n-doc-title]');
  if (title) document.title = `${t(title.dataset.i18nDocTitle, l)} · ${t('app.title', l)}`;
  const sel = document.getElementById('lang-select');
  if (sel) sel.value = l;
  for (const fn of listeners) fn(l);
}

export function apiKey() {
  return sessionStorage.getItem(API_KEY) || '';
}

export function authHeaders() {
  const k = apiKey();
  return k ? { Authorization: `Bearer ${k}`, 'X-Labeller-Client': 'web' } : { 'X-Labeller-Client': 'web' };
}

function showKeyState() {
  const state = document.getElementById('key-state');
  if (state) state.textContent = apiKey() ? tr('key.saved') : tr('key.none');
}

/** Header wiring: language select and the key form. Call once per page. */
export function initPage() {
  const sel = document.getElementById('lang-select');
  sel?.addEventListener('change', () => {
    localStorage.setItem(LANG_KEY, sel.value);
    applyLanguage();
  });
  const form = document.getElementById('key-form');
  const input = document.getElementById('key-input');
  form?.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = input.value.trim();
    if (v) sessionStorage.setItem(API_KEY, v);
    input.value = '';
    showKeyState();
  });
  document.getElementById('key-forget')?.addEventListener('click', () => {
    sessionStorage.removeItem(API_KEY);
    showKeyState();
  });
  onLanguageChange(showKeyState);
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

/** A sentence for a failed response: the server's problem detail, or our own words. */
export async function problemText(status, bodyText) {
  if (status === 401) return tr('key.needed');
  if (status === 403) return tr('key.rejected');
  try {
    const p = JSON.parse(bodyText);
    if (p && typeof p.detail === 'string') return `${p.detail}${p.code ? ` (${p.code})` : ''}`;
  } catch {
    /* not JSON */
  }
  if (status === 503 || status === 429) return tr('err.busy');
  return `HTTP ${status}`;
}

/** POST a file with upload progress (fetch has none). Resolves { status, headers, body: Blob }. */
export function postFile(url, file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') fd.append(k, v);
    fd.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.responseType = 'blob';
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.('upload', e.loaded / e.total);
    xhr.upload.onload = () => onProgress?.('working', 1);
    xhr.onload = () => resolve({ status: xhr.status, header: (n) => xhr.getResponseHeader(n), body: xhr.response });
    xhr.onerror = () => reject(new Error(tr('err.network')));
    xhr.send(fd);
  });
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

/** Makes a drop zone feed a file input; keyboard users use the input itself. */
export function dropZone(zone, input, onFiles) {
  const files = () => onFiles([...input.files]);
  input.addEventListener('change', files);
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
