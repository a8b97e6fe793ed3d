/**
 * The verification report: one schema for every door (CLI --json, REST, watch reports).
 * Documented as JSON Schema in schema/verify-report.schema.json.
 */
import type { PrivacyItem } from './personal-data.js';
import type { TextFormat } from './vocabulary.js';
import type { Judgement, ProfileId } from './profiles/types.js';

export type C2paState = 'absent' | 'invalid' | 'valid' | 'trusted' | 'unreadable' | 'remote';

export interface Signal {
  /** Which detector or trace: 'c2pa', 'xmp-iptc', 'exif-software', 'png-text', 'tc260', 'registry', 'watermark', 'text-notice'... */
  source: string;
  /** What this trace says about AI: true (AI-made), false (says not AI), null (neutral). */
  ai: boolean | null;
  /** One plain-English sentence. */
  detail: string;
  [key: string]: unknown;
}

export interface C2paSummary {
  state: C2paState;
  codes: string[];
  activeManifest?: string;
  signer?: { commonName?: string; organisation?: string; issuer?: string; alg?: string };
  signedAt?: string;
  claimGenerator?: string;
  actions?: { action: string; digitalSourceType?: string; softwareAgent?: string; when?: string }[];
  ingredients?: Ingredient[];
  /** Only when a page asks for a preview (REST `?preview=1`): the active manifest's own thumbnail, a small `data:` URI. */
  thumbnail?: string;
  /**
   * Our own visible-warning assertion, when the manifest has one. `signer` says whether it is
   * believed: from our own signing certificate ('own') or a trusted signer ('trusted'); 'untrusted' is not.
   */
  visibleWarning?: {
    wording?: Record<string, string>;
    languages?: string[];
    region?: unknown;
    signer?: 'own' | 'trusted' | 'untrusted';
    /** The EU common icon drawn with the warning (eu profile): its acronym and variant. */
    icon?: { acronym?: string; variant?: string };
  };
  /**
   * The active manifest's soft binding (`c2pa.soft-binding`): the algorithm and value, an
   * ISCC Content-Code for `io.iscc.v0`, by which a stripped copy can be traced back.
   */
  softBinding?: { alg: string; value: string };
  /** Our kz.labeller.review assertion, as read (the core reports it as `review`, not here). */
  review?: ReviewInfo;
  /** GB 45438 implicit label signed into the manifest (kz.labeller.tc260-aigc), as read. */
  aigc?: Record<string, unknown>;
  /** California latent disclosure: our assertion, or the standard fields carrying the same facts. */
  latentDisclosure?: { provider?: string; system?: string; systemVersion?: string; createdAt?: string; identifier?: string };
  remoteUrl?: string;
  message?: string;
}

/** One ingredient of a manifest. `thumbnail` and nested `ingredients` only come with a preview (REST `?preview=1`). */
export interface Ingredient {
  title?: string;
  relationship?: string;
  state?: string;
  codes?: string[];
  activeManifest?: string;
  thumbnail?: string;
  ingredients?: Ingredient[];
}

/**
 * An editor's approval recorded in the active manifest (kz.labeller.review). Like the visible
 * warning, it is relied on only from our own signing certificate or a trusted signer (`signer`).
 */
export interface ReviewInfo {
  reviewer: string;
  reviewerName?: string;
  role?: string;
  at: string;
  decision: string;
  wording?: Record<string, string>;
  signer?: 'own' | 'trusted' | 'untrusted';
}

export interface VerifyReport {
  file?: string;
  kind: 'image' | 'text';
  format: string;
  mimeType: string;
  sha256: string;
  bytes: number;
  aiGenerated: boolean | null;
  tampered: boolean;
  c2pa: C2paSummary;
  signals: Signal[];
  compliance: {
    machineReadable: boolean;
    visibleWarning: boolean | null;
    compliant: boolean;
  };
  /** Every labelling profile's verdict (src/domain/profiles): `compliance` is the kz one, kept as the contract. */
  profiles?: Record<ProfileId, Judgement>;
  /** Personal data in the file's metadata (source protection): field names, never values; empty when none. A clean copy removes them. */
  privacy?: PrivacyItem[];
  summary: { kk: string; ru: string; en: string };
  /** Images: whether the pixels were read for the visible warning (OCR), how long it took, or why not. */
  ocr?: OcrInfo;
  /** An editor's review signed into the manifest, when there is one. */
  review?: ReviewInfo;
  /** Record id when the verification was written to the provenance record. */
  recordId?: string;
  checkedAt: string;
}

/** The visible layer of an image read from its pixels: `read` false leaves `compliance.visibleWarning` unknown. */
export interface OcrInfo {
  /** Tesseract and its four languages (kaz, rus, eng, chi_sim) are installed. */
  available: boolean;
  /** The places a warning is put were read (in full, or until a warning was found). */
  read: boolean;
  /** Milliseconds spent: decoding the pages and the OCR itself. */
  ms?: number;
  languages?: string[];
  /** Why the pixels were not read. */
  reason?: 'unavailable' | 'not-asked' | 'not-needed' | 'too-small' | 'timeout' | 'too-much-text' | 'not-an-image' | 'failed';
  message?: string;
}

export interface VerifyPolicy {
  /** PEM text of trust anchors for this call, instead of the configured ones (TRUST_ANCHORS). */
  trustAnchorsPem?: string;
  /** Hosts from which a remote manifest may be fetched; default: none. */
  remoteManifestHosts?: string[];
  /** For texts: the format the file name says (txt, md, html), when content alone is ambiguous. */
  textFormat?: TextFormat;
  /** The file's name as the door got it: text named .jpg (or an image named .txt) is refused. */
  fileName?: string;
  /** Read an image's pixels for the visible warning (OCR); default true. CLI --no-ocr, REST ocr=false. */
  ocr?: boolean;
}
