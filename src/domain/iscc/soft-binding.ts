/**
 * The C2PA soft-binding assertion that carries an ISCC: `alg` from the C2PA soft-binding
 * algorithm list, one block over the whole asset whose value is the ISCC code. Reading is
 * defensive: a manifest is untrusted input, so only well-formed string values are kept.
 */

export const SOFT_BINDING_ASSERTION = 'c2pa.soft-binding';
export const ISCC_ALG = 'io.iscc.v0';

export interface SoftBinding {
  alg: string;
  value: string;
}

/** The assertion for a manifest definition (c2pa-node turns it into CBOR). */
export function softBindingAssertion(iscc: string): { label: string; data: Record<string, unknown> } {
  return { label: SOFT_BINDING_ASSERTION, data: { alg: ISCC_ALG, name: 'ISCC Content-Code (ISO 24138)', blocks: [{ scope: {}, value: iscc }], pad: [] } };
}

const MAX_VALUE = 200;

/** The soft bindings in a manifest's assertions (as a reader gives them as JSON): at most a few, values clipped. */
export function softBindingsOf(assertions: unknown): SoftBinding[] {
  if (!Array.isArray(assertions)) return [];
  const out: SoftBinding[] = [];
  for (const a of assertions.slice(0, 1000)) {
    if (!a || typeof a !== 'object') continue;
    const { label, data } = a as { label?: unknown; data?: unknown };
    if (typeof label !== 'string' || !/^c2pa\.soft-binding(\.v\d+)?$/.test(label) || !data || typeof data !== 'object') continue;
    const { alg, blocks } = data as { alg?: unknown; blocks?: unknown };
    if (typeof alg !== 'string' || !Array.isArray(blocks)) continue;
    for (const b of blocks.slice(0, 8)) {
      const value = b && typeof b === 'object' ? (b as { value?: unknown }).value : undefined;
      if (typeof value === 'string' && value) out.push({ alg: alg.slice(0, MAX_VALUE), value: value.slice(0, MAX_VALUE) });
    }
    if (out.length >= 8) break;
  }
  return out;
}
