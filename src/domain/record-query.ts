/**
 * The record query contract (list and export filters), one schema for REST, CLI and the
 * record itself. Errors name the filter as the user typed it (`--limit` or `limit`).
 */
import { z } from 'zod';
import { LabellerError } from './errors.js';
import { cliFlagOf, type OptionSpelling } from './label-fields.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

const isoDate = z
  .string()
  .trim()
  .max(40, 'is not a date')
  .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'expected an ISO date (2026-03-31) or date-time');

export const RecordQuerySchema = z
  .object({
    from: isoDate.optional().meta({ description: 'From this ISO date or date-time (inclusive).' }),
    to: isoDate.optional().meta({ description: 'To this ISO date (the whole day) or date-time.' }),
    actor: z.string().trim().min(1).max(64).optional().meta({ description: "Only this actor (API key name, 'cli', 'watch', 'anonymous')." }),
    verdict: z.string().trim().min(1).max(40).optional().meta({ description: 'Only verifications with this verdict.' }),
    type: z
      .enum(['label', 'verify', 'review'], { error: (i) => `${JSON.stringify(i.input)} is not one of label, verify, review` })
      .optional()
      .meta({ description: 'Only labels, only verifications, or only review events.' }),
    limit: z.coerce
      .number()
      .int(`must be a whole number from 1 to ${MAX_PAGE}`)
      .min(1, `must be a whole number from 1 to ${MAX_PAGE}`)
      .max(MAX_PAGE, `must be a whole number from 1 to ${MAX_PAGE}`)
      .default(DEFAULT_PAGE)
      .meta({ description: 'Rows per page.' }),
    cursor: z.string().trim().min(1).max(500).optional().meta({ description: 'The `next` value of the previous page.' }),
  })
  .strict();

export type ParsedRecordQuery = z.output<typeof RecordQuerySchema>;

export function parseRecordQuery(raw: Record<string, unknown>, spelling: OptionSpelling = 'field'): ParsedRecordQuery {
  const input = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = RecordQuerySchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const name = (k: unknown) => (spelling === 'cli' ? cliFlagOf(String(k)) : String(k));
  const msg = parsed.error.issues
    .map((i) =>
      i.code === 'unrecognized_keys'
        ? i.keys.map((k) => `${JSON.stringify(k.slice(0, 40))} is not a filter`).join('; ')
        : `${name(i.path[0] ?? 'query')}: ${i.message}`,
    )
    .join('; ');
  throw new LabellerError('bad_option', msg);
}
