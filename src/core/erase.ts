/**
 * Erasing personal data kept in the record: a label's prompt (records erase ID --prompt,
 * DELETE /api/v1/records/:id/prompt). The chained row keeps the salted hash, so the record
 * still checks; the text, its writer and the salt are gone.
 */
import { LabellerError } from '../domain/errors.js';
import type { RecordSink } from '../domain/record.js';

export type EraseResult = { outcome: 'erased' | 'already-erased' | 'no-prompt'; message: string };

export async function erasePrompt(records: RecordSink | undefined, id: string): Promise<EraseResult> {
  if (!records?.erasePrompt) throw new LabellerError('bad_config', 'this record keeps no prompts to erase');
  // Record ids are ULIDs; anything else names no record (and is never echoed at length).
  if (!/^[0-9A-Za-z-]{1,64}$/.test(id)) throw new LabellerError('not_found', 'no label record has that id');
  const outcome = await records.erasePrompt(id);
  if (outcome === 'no-record') throw new LabellerError('not_found', `no label record has the id ${id}`);
  const message =
    outcome === 'erased'
      ? `the prompt of record ${id} was erased; the record still checks (its chain holds only a salted hash)`
      : outcome === 'already-erased'
        ? `the prompt of record ${id} was already erased`
        : `record ${id} kept no prompt`;
  return { outcome, message };
}
