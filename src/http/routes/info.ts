/**
 * GET /api/v1/info: what the web pages need to know about this service before a file is
 * chosen: whether it signs with the development identity (banner, badges), its limits (size
 * checked in the page before any upload), and the option vocabulary (placements per file type,
 * source types). Open and cheap; nothing secret: no key, no path, no certificate.
 */
import type { RequestHandler } from 'express';
import { TOOL } from '../../domain/tool.js';
import { PROFILE_IDS } from '../../domain/profiles/types.js';
import { LANGS, PLACEMENTS, SOURCE_TYPES, TEXT_FORMATS, TEXT_PLACEMENTS } from '../../domain/vocabulary.js';
import { IMAGE_EXT, IMAGE_MIME } from '../../media/sniff.js';
import type { AppDeps } from '../deps.js';

/** `corner` and `band` are aliases of `corner-bottom-left` and `band-bottom`: a list offers each place once. */
const IMAGE_PLACES = PLACEMENTS.filter((p) => p !== 'corner' && p !== 'band');

export interface ServiceInfo {
  version: string;
  organisation: string;
  signer: { development: boolean };
  limits: { maxUploadBytes: number; maxPixels: number };
  languages: readonly string[];
  defaultLanguages: string[];
  placements: { image: string[]; text: string[]; defaults: { image: string; text: string } };
  sourceTypes: readonly string[];
  defaultSourceType: string;
  /** Labelling profiles (src/domain/profiles) and the one DEFAULT_PROFILE picks. */
  profiles: readonly string[];
  defaultProfile: string;
  accept: { image: { mimeTypes: string[]; extensions: string[] }; text: { mimeTypes: string[]; extensions: string[] } };
  record: boolean;
  verifyRequiresKey: boolean;
}

export function serviceInfo(deps: AppDeps): ServiceInfo {
  const { config, identity, records } = deps.ctx;
  return {
    version: TOOL.version,
    organisation: identity.organisation,
    signer: { development: identity.development },
    limits: { maxUploadBytes: config.maxUploadBytes, maxPixels: config.maxPixels },
    languages: LANGS,
    defaultLanguages: [...config.defaultLanguages],
    placements: { image: [...IMAGE_PLACES], text: [...TEXT_PLACEMENTS], defaults: { image: 'corner-bottom-left', text: 'start' } },
    sourceTypes: SOURCE_TYPES,
    defaultSourceType: 'trainedAlgorithmicMedia',
    profiles: PROFILE_IDS,
    defaultProfile: config.defaultProfile ?? 'kz',
    accept: {
      image: { mimeTypes: Object.values(IMAGE_MIME), extensions: [...new Set([...Object.values(IMAGE_EXT), 'jpeg', 'tiff'])] },
      text: { mimeTypes: ['text/plain', 'text/markdown', 'text/html'], extensions: [...TEXT_FORMATS, 'markdown', 'htm'] },
    },
    record: !!records,
    verifyRequiresKey: config.verifyRequiresKey,
  };
}

export function infoHandler(deps: AppDeps): RequestHandler {
  return (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(serviceInfo(deps));
  };
}
