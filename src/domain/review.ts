/**
 * Human oversight: the words of the review step. A file labelled "for review" is held as a
 * job until an editor approves it (then it is signed again with the review inside its
 * manifest and released) or rejects it. Roles say who may do what; every door applies the
 * same rules from here.
 */
import type { LabelOptions } from './label-fields.js';
import type { Lang } from './vocabulary.js';

/** labeller: label, verify, read own records and jobs; editor: also review; admin: everything. */
export const ROLES = ['labeller', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { labeller: 0, editor: 1, admin: 2 };

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}

/** True when `role` may do what `needed` may. */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

export const JOB_STATES = ['pending_review', 'approved', 'rejected', 'expired'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The wording an editor may choose on approval: the AI notice plus "reviewed by the editors". */
export const REVIEWED_WORDING: Record<Lang, string> = {
  kk: 'ЖИ көмегімен жасалған, редакция тексерген',
  ru: 'Создано с помощью ИИ, проверено редакцией',
  en: 'AI-generated, reviewed by the editors',
};

/** Our manifest assertion recording the review (reverse-domain, as C2PA asks of our own). */
export const REVIEW_ASSERTION = 'kz.labeller.review';

/** Who acts: the API key's name (or 'cli' for the local operator), its role, a display name. */
export interface Reviewer {
  key: string;
  role: Role;
  /** The person's name as they give it (the Review page, `--name`); the key name otherwise. */
  name?: string;
}

/** What an approval writes into the manifest and the record. */
export interface ReviewStamp {
  jobId: string;
  decision: 'approved';
  reviewer: string;
  reviewerName?: string;
  role: Role;
  at: string;
  /** The wording of the released file's visible warning, per language. */
  wording: Record<string, string>;
}

/** What a review row of the record says (type 'review'). */
export type ReviewEvent = 'submitted' | 'approved' | 'rejected' | 'expired' | 'purged';

export interface ReviewRow {
  event: ReviewEvent;
  jobId: string;
  fileName?: string;
  format: string;
  inputSha256: string;
  /** submitted: the held draft's hash; approved: the released file's hash. */
  outputSha256?: string;
  submitter: string;
  reviewer?: string;
  reviewerName?: string;
  role?: Role;
  reason?: string;
  wording?: Record<string, string>;
  /** approved: the label row of the released file. */
  labelRecordId?: string;
  /** Whoever claims a decision first wins; the others see someone else's nonce. */
  nonce?: string;
}

/** One held file. Kept as JSON under DATA_DIR/review/jobs/; its files beside it. */
export interface Job {
  v: 1;
  id: string;
  state: JobState;
  createdAt: string;
  updatedAt: string;
  /** A pending draft is deleted after this (REVIEW_TTL_DAYS); so is an approved output. */
  expiresAt: string;
  submitter: { actor: string; door: string };
  fileName?: string;
  kind: 'image' | 'text';
  format: string;
  mimeType: string;
  ext: string;
  /** The options it was labelled with (without the review request itself). */
  options: LabelOptions;
  inputSha256: string;
  inputBytes: number;
  draft: {
    outputSha256: string;
    wording: Record<string, string>;
    languages: string[];
    sourceType: string;
    aiSystem?: string;
    aiSystemVersion?: string;
    prompt?: string;
    promptWriter?: string;
    warnings: string[];
  };
  /** The 'submitted' review row. */
  submittedRecordId?: string;
  decision?: {
    decision: 'approved' | 'rejected' | 'expired';
    at: string;
    by?: { key: string; name?: string; role: Role };
    reason?: string;
    wording?: Record<string, string>;
    recordId?: string;
  };
  /** The released file (approved jobs), until it expires. */
  output?: { nonce: string; sha256: string; bytes: number; labelRecordId?: string; removed?: boolean };
  /** Watch-folder jobs: where the released file (or the rejection) goes, and whether it went. */
  watch?: { root: string; name: string; releasing?: string; done?: { at: string; to: string } };
}

/** Ids the doors accept in paths and arguments: nothing that could name a path. */
export const JOB_ID = /^[a-z0-9][a-z0-9-]{7,63}$/;

/** What a reason or a display name may hold: a line of text without control or bidi characters. */
export function cleanLine(v: unknown, max: number): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (!s || s.length > max) return undefined;
  if (/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/.test(s) || /\p{Cs}/u.test(s)) return undefined;
  return s;
}
