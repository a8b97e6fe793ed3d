import type { Config } from '../config.js';
import type { SigningIdentity } from '../provenance/signer.js';
import type { RecordSink } from '../domain/record.js';

/** What a door hands the core: configuration and the signing identity, loaded once. */
export interface CoreContext {
  config: Config;
  identity: SigningIdentity;
  /** The invisible watermark's key (WATERMARK_KEY or DATA_DIR/watermark.key); absent: no watermark written or read. */
  watermarkKey?: Buffer;
  /** PEM text of the configured trust anchors (TRUST_ANCHORS), if any. */
  trustAnchorsPem?: string;
  /** The provenance record; absent in tests that do not need one. */
  records?: RecordSink;
}

export type { Actor, LabelRecord, LabelResult, RecordQuery, RecordSink, StoredRecord } from '../domain/record.js';
