/**
 * Saturating byte arithmetic sixteen bytes at a time: a WebAssembly module of one function,
 * written out here by hand (twenty instructions, no toolchain, nothing downloaded), because a
 * JavaScript loop over the 36 million bytes of a 12 MP picture costs ~100 ms and this ~10 ms.
 *
 *   (module
 *     (import "env" "memory" (memory 1))
 *     (func (export "apply") (param $dst i32) (param $up i32) (param $down i32) (param $n i32)
 *       (block (loop
 *         (br_if 1 (i32.lt_s (local.get $n) (i32.const 16)))
 *         (v128.store (local.get $dst)
 *           (i8x16.sub_sat_u
 *             (i8x16.add_sat_u (v128.load (local.get $dst)) (v128.load (local.get $up)))
 *             (v128.load (local.get $down))))
 *         $dst += 16  $up += 16  $down += 16  $n -= 16
 *         (br 0)))))
 */

// prettier-ignore
const WASM = Uint8Array.from([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // "\0asm", version 1
  0x01,
  0x08,
  0x01,
  0x60,
  0x04,
  0x7f,
  0x7f,
  0x7f,
  0x7f,
  0x00, // types: (i32 i32 i32 i32) -> ()
  0x02,
  0x0f,
  0x01,
  0x03,
  0x65,
  0x6e,
  0x76,
  0x06,
  0x6d,
  0x65,
  0x6d,
  0x6f,
  0x72,
  0x79,
  0x02,
  0x00,
  0x01, // import env.memory, min 1 page
  0x03,
  0x02,
  0x01,
  0x00, // one function of type 0
  0x07,
  0x09,
  0x01,
  0x05,
  0x61,
  0x70,
  0x70,
  0x6c,
  0x79,
  0x00,
  0x00, // export "apply"
  0x0a,
  0x4b,
  0x01,
  0x49,
  0x00, // code: one body of 73 bytes, no locals
  0x02,
  0x40,
  0x03,
  0x40, // block, loop
  0x20,
  0x03,
  0x41,
  0x10,
  0x48,
  0x0d,
  0x01, // br_if 1 (n < 16)
  0x20,
  0x00, // dst (the store's address)
  0x20,
  0x00,
  0xfd,
  0x00,
  0x00,
  0x00, // v128.load dst
  0x20,
  0x01,
  0xfd,
  0x00,
  0x00,
  0x00, // v128.load up
  0xfd,
  0x70, // i8x16.add_sat_u
  0x20,
  0x02,
  0xfd,
  0x00,
  0x00,
  0x00, // v128.load down
  0xfd,
  0x73, // i8x16.sub_sat_u
  0xfd,
  0x0b,
  0x00,
  0x00, // v128.store
  0x20,
  0x00,
  0x41,
  0x10,
  0x6a,
  0x21,
  0x00, // dst += 16
  0x20,
  0x01,
  0x41,
  0x10,
  0x6a,
  0x21,
  0x01, // up += 16
  0x20,
  0x02,
  0x41,
  0x10,
  0x6a,
  0x21,
  0x02, // down += 16
  0x20,
  0x03,
  0x41,
  0x10,
  0x6b,
  0x21,
  0x03, // n -= 16
  0x0c,
  0x00,
  0x0b,
  0x0b,
  0x0b, // br 0, end loop, end block, end function
]);

let compiled: WebAssembly.Module | null | undefined;

function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(WASM);
    } catch {
      // A runtime without WebAssembly SIMD: the callers' byte loop does the same, slower.
      compiled = null;
    }
  }
  return compiled;
}

/** Saturating `row[i] = row[i] + up[i] − down[i]` on each row of n bytes of a block of rows. */
export interface RowAdder {
  /** Sets up and down (n bytes each) for the blocks that follow. */
  change(up: Uint8Array, down: Uint8Array): void;
  /** Applies them to each of the rows of `block` (a whole number of rows, at most `maxRows`). */
  apply(block: Uint8Array): void;
}

/** An adder for blocks of up to maxRows rows of n bytes, or null where WebAssembly SIMD is not available. */
export function simdRowAdder(n: number, maxRows = 1): RowAdder | null {
  const mod = wasmModule();
  if (!mod) return null;
  const padded = (n + 15) & ~15;
  // up | down | the block, and 16 bytes more: the last row's final 16-byte step may run past it.
  const size = 2 * padded + maxRows * n + 16;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(size / 65536) });
  const run = new WebAssembly.Instance(mod, { env: { memory } }).exports.apply as (dst: number, up: number, down: number, n: number) => void;
  const bytes = new Uint8Array(memory.buffer);
  const at = 2 * padded;
  return {
    change(up, down) {
      // Copied in: V8 writes into WebAssembly memory byte by byte much more slowly than into its own arrays.
      bytes.set(up.subarray(0, n), 0);
      bytes.set(down.subarray(0, n), padded);
    },
    apply(block) {
      bytes.set(block, at);
      // Rows lie end to end; a row's last step may touch the next row's first bytes with the
      // padding of up and down, which is zero: those bytes are left as they are.
      for (let o = 0; o < block.length; o += n) run(at + o, 0, padded, padded);
      block.set(bytes.subarray(at, at + block.length));
    },
  };
}

/** Forces the byte loop (tests compare the two). */
export function disableSimd(off: boolean): void {
  compiled = off ? null : undefined;
}
