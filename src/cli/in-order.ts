/**
 * Runs a task per item with at most `concurrency` running at once, and hands each result to
 * `emit` in input order (item i only after items 0..i-1), so that a batch's messages and
 * records read as if it ran one file after another. Only finished results waiting for an
 * earlier item are held: memory stays bounded by the concurrency, not by the batch.
 */
export async function inOrder<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  emit: (result: R, index: number) => void,
): Promise<void> {
  const done = new Map<number, R>();
  let next = 0;
  let emitted = 0;
  const flush = () => {
    while (done.has(emitted)) {
      const r = done.get(emitted) as R;
      done.delete(emitted);
      emit(r, emitted++);
    }
  };
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      done.set(i, await task(items[i], i));
      flush();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
