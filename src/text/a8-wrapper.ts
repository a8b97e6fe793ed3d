/**
 * C2PA A.8 "unstructured text" wrapper: the manifest store carried as invisible characters.
 * U+FEFF, then one variation selector per byte of
 * "C2PATXT\0" | version 0x01 | big-endian uint32 length | store | padding.
 * Byte 0x00–0x0F → U+FE00–U+FE0F (3 UTF-8 bytes), 0x10–0xFF → U+E0100–U+E01EF (4 bytes).
 */
const MAGIC = Buffer.from('C2PATXT\0', 'latin1');
const VERSION = 1;
const HEADER = 13;
const MARKER = '\uFEFF';

/** UTF-8 bytes of every byte value's selector, built once. */
const SELECTOR_UTF8: Buffer[] = Array.from({ length: 256 }, (_, b) => Buffer.from(String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + b - 16), 'utf8'));

/** The selector run of the magic, as a string: what marks a real wrapper after U+FEFF. */
const MAGIC_SELECTORS = [...MAGIC].map((b) => String.fromCodePoint(b < 16 ? 0xfe00 + b : 0xe0100 + b - 16)).join('');

/**
 * The wrapper's UTF-8 length we commit to before signing: c2pa-rs's deterministic target.
 * Every byte taken as 4 bytes, plus 6 so any shortfall can be padded exactly with 3- and
 * 4-byte selectors.
 */
export function a8TargetBytes(storeLength: number): number {
  return 3 + (HEADER + storeLength) * 4 + 6;
}

/** Builds the wrapper, padded to exactly `targetBytes` UTF-8 bytes (zero bytes, then 0x10 as needed). */
export function buildA8Wrapper(store: Buffer, targetBytes: number): Buffer {
  const payload = Buffer.concat([headerOf(store.length), store]);
  const deficit = targetBytes - unpaddedBytes(payload);
  if (!paddable(deficit)) throw new Error(`A.8 wrapper cannot be padded to ${targetBytes} bytes`);
  // 3a + 4b = deficit: as few 4-byte pads as make the rest divisible by 3.
  let fours = 0;
  while ((deficit - 4 * fours) % 3 !== 0) fours++;
  const threes = (deficit - 4 * fours) / 3;
  // Written in place: a Buffer per selector, concatenated, cost ~2 ms for a 14 kB store.
  const out = Buffer.allocUnsafe(targetBytes);
  let at = out.write(MARKER, 0, 'utf8');
  for (const b of payload) at = putSelector(out, at, b);
  for (let i = 0; i < threes; i++) at = putSelector(out, at, 0x00);
  for (let i = 0; i < fours; i++) at = putSelector(out, at, 0x10);
  return out;
}

/** UTF-8 of U+FE00 + b (EF B8 80+b) or U+E0100 + b − 16 (F3 A0 84+hi 80+lo); returns the next offset. */
function putSelector(out: Buffer, at: number, b: number): number {
  if (b < 16) {
    out[at] = 0xef;
    out[at + 1] = 0xb8;
    out[at + 2] = 0x80 + b;
    return at + 3;
  }
  const v = b - 16;
  out[at] = 0xf3;
  out[at + 1] = 0xa0;
  out[at + 2] = 0x84 + (v >> 6);
  out[at + 3] = 0x80 + (v & 0x3f);
  return at + 4;
}

/**
 * True when a wrapper of this store can be padded to exactly `targetBytes` without much
 * waste: a store a few bytes shorter than planned needs no second signature.
 */
export function a8Fits(store: Buffer, targetBytes: number): boolean {
  const slack = targetBytes - a8TargetBytes(store.length);
  return slack >= 0 && slack <= 64 && paddable(targetBytes - unpaddedBytes(Buffer.concat([headerOf(store.length), store])));
}

function headerOf(length: number): Buffer {
  const header = Buffer.alloc(HEADER);
  MAGIC.copy(header, 0);
  header[8] = VERSION;
  header.writeUInt32BE(length, 9);
  return header;
}

function unpaddedBytes(payload: Buffer): number {
  let size = 3; // U+FEFF
  for (const b of payload) size += b < 16 ? 3 : 4;
  return size;
}

function paddable(deficit: number): boolean {
  return deficit >= 0 && deficit !== 1 && deficit !== 2 && deficit !== 5;
}

export interface FoundWrapper {
  /** UTF-16 index of U+FEFF and the index just past the selector run. */
  start: number;
  end: number;
  /** The manifest store, or why it could not be read. */
  store?: Buffer;
  problem?: string;
}

/**
 * Every wrapper in a text. Only U+FEFF followed by the selector-encoded magic counts, so
 * emoji presentation selectors (❤️) and a leading byte-order mark are never taken for one.
 */
export function findA8Wrappers(text: string): FoundWrapper[] {
  const found: FoundWrapper[] = [];
  let i = text.indexOf(MARKER);
  while (i !== -1) {
    if (text.startsWith(MAGIC_SELECTORS, i + 1)) {
      const { bytes, end } = readSelectors(text, i + 1);
      found.push({ start: i, end, ...parsePayload(bytes) });
      i = text.indexOf(MARKER, end);
    } else {
      i = text.indexOf(MARKER, i + 1);
    }
  }
  return found;
}

function readSelectors(text: string, from: number): { bytes: Buffer; end: number } {
  const out = Buffer.alloc(text.length - from);
  let n = 0;
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c >= 0xfe00 && c <= 0xfe0f) {
      out[n++] = c - 0xfe00;
      i += 1;
    } else if (c === 0xdb40) {
      const lo = text.charCodeAt(i + 1);
      if (lo < 0xdd00 || lo > 0xddef) break;
      out[n++] = lo - 0xdd00 + 16;
      i += 2;
    } else break;
  }
  return { bytes: out.subarray(0, n), end: i };
}

function parsePayload(bytes: Buffer): { store?: Buffer; problem?: string } {
  if (bytes.length < HEADER) return { problem: 'the C2PA text wrapper is cut short' };
  if (bytes[8] !== VERSION) return { problem: `the C2PA text wrapper has unknown version ${bytes[8]}` };
  const length = bytes.readUInt32BE(9);
  if (length === 0 || HEADER + length > bytes.length) return { problem: 'the C2PA text wrapper declares more bytes than it carries' };
  return { store: Buffer.from(bytes.subarray(HEADER, HEADER + length)) };
}

/** U+FEFF and the magic's selectors as UTF-8: a wrapper's start, found without decoding. */
const WRAPPER_START_UTF8 = Buffer.concat([Buffer.from(MARKER, 'utf8'), ...[...MAGIC].map((b) => SELECTOR_UTF8[b])]);

/**
 * Byte ranges of every wrapper in UTF-8 text: the same wrappers findA8Wrappers finds in the
 * decoded string (U+FEFF + magic, then the selector run), for texts too large to decode.
 */
export function findA8WrapperBytes(utf8: Buffer): { start: number; end: number }[] {
  const found: { start: number; end: number }[] = [];
  let i = utf8.indexOf(WRAPPER_START_UTF8);
  while (i !== -1) {
    const end = selectorRunEnd(utf8, i + 3);
    found.push({ start: i, end });
    i = utf8.indexOf(WRAPPER_START_UTF8, end);
  }
  return found;
}

/** Past the run of U+FE00–FE0F (EF B8 80–8F) and U+E0100–E01EF (F3 A0 84 80 – F3 A0 87 AF). */
function selectorRunEnd(b: Buffer, from: number): number {
  let i = from;
  for (;;) {
    if (b[i] === 0xef && b[i + 1] === 0xb8 && b[i + 2] >= 0x80 && b[i + 2] <= 0x8f) i += 3;
    else if (b[i] === 0xf3 && b[i + 1] === 0xa0 && b[i + 2] >= 0x84 && b[i + 2] <= 0x87 && b[i + 3] >= 0x80 && (b[i + 2] < 0x87 || b[i + 3] <= 0xaf)) i += 4;
    else return i;
  }
}
