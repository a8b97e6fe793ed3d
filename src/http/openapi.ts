/**
 * The OpenAPI 3.1 description of this service. A test compares its paths with the routes
 * the app really has, both ways, so the two cannot drift apart.
 */
import { z } from 'zod';
import { labelFieldsJsonSchema } from '../domain/label-fields.js';
import { RecordQuerySchema } from '../domain/record-query.js';
import { STATUS } from './problem.js';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
const json = (description: string, schema: object) => ({ description, content: { 'application/json': { schema } } });

const upload = (extra: Record<string, object>) => ({
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', format: 'binary', description: 'The file. Its type is read from its bytes, not its name.' }, ...extra },
      },
    },
  },
});

/** Generated from the one options contract every door shares. */
const labelFields = labelFieldsJsonSchema();

const errors = {
  '400': problem('No file, a malformed form (unknown or malformed field name, repeated file...) or an invalid option'),
  '408': problem(
    'The upload was too slow (UPLOAD_IDLE_TIMEOUT_MS without a byte, below UPLOAD_MIN_BYTES_PER_S, or over UPLOAD_TIMEOUT_MS); the connection is closed',
  ),
  '413': problem('Larger than MAX_UPLOAD_BYTES, or more pixels than MAX_PIXELS'),
  '415': problem('Not a supported type (SVG, GIF, PDF...)'),
  '422': problem('Truncated or corrupt file'),
  '429': problem(
    'Rate limit (RATE_LIMIT_PER_MINUTE per key, ANON_VERIFY_PER_MINUTE per address without a key) or too many uploads from one address at once; see Retry-After',
  ),
  '503': problem('Too many jobs or uploads at once (see Retry-After), the request timed out, or a storage I/O error (io_error)'),
  '507': problem('io_error: the service ran out of storage space'),
};

/** The list filters, generated from the one record query contract. */
function recordQueryParameters(): object[] {
  const schema = z.toJSONSchema(RecordQuerySchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { description?: string }> };
  return Object.entries(schema.properties).map(([name, { description, ...rest }]) => ({
    name,
    in: 'query',
    required: false,
    schema: rest,
    description: description ?? name,
  }));
}

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'AI-media provenance labeller',
      version,
      description:
        'Labels AI-generated media with a visible warning (Kazakh, Russian, English) and signed provenance (IPTC/XMP + C2PA), and verifies incoming media. ' +
        'Errors are RFC 9457 problem details with a stable `code`.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (API_KEYS, or the key printed at first start).' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string', enum: Object.keys(STATUS), description: 'Stable machine code.' },
            detail: { type: 'string', description: 'One sentence an editor understands.' },
            instance: { type: 'string' },
          },
        },
        ServiceInfo: {
          type: 'object',
          required: ['version', 'organisation', 'signer', 'limits', 'languages', 'placements', 'sourceTypes'],
          properties: {
            version: { type: 'string' },
            organisation: { type: 'string', description: 'The signer name written into manifests (ORGANISATION).' },
            signer: {
              type: 'object',
              properties: { development: { type: 'boolean', description: 'Signing with the development identity: outputs verify as valid but untrusted.' } },
            },
            limits: { type: 'object', properties: { maxUploadBytes: { type: 'integer' }, maxPixels: { type: 'integer' } } },
            languages: { type: 'array', items: { type: 'string' } },
            defaultLanguages: { type: 'array', items: { type: 'string' } },
            placements: {
              type: 'object',
              description: 'Each place once (without the aliases corner and band), per file type, with the defaults.',
              properties: {
                image: { type: 'array', items: { type: 'string' } },
                text: { type: 'array', items: { type: 'string' } },
                defaults: { type: 'object' },
              },
            },
            sourceTypes: { type: 'array', items: { type: 'string' } },
            defaultSourceType: { type: 'string' },
            profiles: { type: 'array', items: { type: 'string' }, description: 'Labelling profiles: kz, eu, cn, us-ca (README Profiles).' },
            defaultProfile: { type: 'string', description: 'The profile a request without one follows (DEFAULT_PROFILE).' },
            accept: { type: 'object', description: 'MIME types and file extensions accepted for labelling, per kind.' },
            record: { type: 'boolean', description: 'A provenance record is kept.' },
            verifyRequiresKey: { type: 'boolean' },
          },
        },
        VerifyReport: {
          type: 'object',
          description: 'The verification report; the same schema as `labeller verify --json` (schema/verify-report.schema.json).',
        },
        QueuedLabel: {
          type: 'object',
          description:
            "A label sent with Prefer: respond-async, run by the queue (on PostgreSQL by whichever instance is free). A failed state with a code other than internal is the file's fault and is not retried.",
          required: ['id', 'kind', 'state', 'attempts', 'createdAt', 'fileName', 'submitter', 'links'],
          properties: {
            id: { type: 'string', pattern: '^job-[0-9a-f-]{36}$' },
            kind: { type: 'string', enum: ['label'] },
            state: { type: 'string', enum: ['queued', 'running', 'done', 'failed'] },
            attempts: { type: 'integer', description: 'Attempts started; more than 1 after a retry (e.g. the instance running it died)' },
            createdAt: { type: 'string', format: 'date-time' },
            finishedAt: { type: 'string', format: 'date-time' },
            fileName: { type: 'string' },
            submitter: { type: 'object', properties: { actor: { type: 'string' }, door: { type: 'string' } } },
            output: {
              type: 'object',
              properties: {
                sha256: { type: 'string' },
                bytes: { type: 'integer' },
                mimeType: { type: 'string' },
                recordId: { type: 'string' },
                warnings: { type: 'array', items: { type: 'string' } },
              },
            },
            error: { type: 'object', properties: { code: { type: 'string' }, reason: { type: 'string' } } },
            links: { type: 'object', properties: { self: { type: 'string' }, output: { type: 'string' } } },
          },
        },
        Job: {
          type: 'object',
          description: 'A file held for review. Labellers see their own jobs; editors and admins see all.',
          required: ['id', 'state', 'createdAt', 'expiresAt', 'submitter', 'kind', 'format', 'mimeType', 'draft', 'links'],
          properties: {
            id: { type: 'string' },
            state: { type: 'string', enum: ['pending_review', 'approved', 'rejected', 'expired'] },
            createdAt: { type: 'string', format: 'date-time' },
            expiresAt: {
              type: 'string',
              format: 'date-time',
              description: 'A pending draft is deleted then (REVIEW_TTL_DAYS), and an approved file as long after its approval.',
            },
            submitter: { type: 'object', properties: { actor: { type: 'string' }, door: { type: 'string' } } },
            fileName: { type: 'string' },
            kind: { type: 'string', enum: ['image', 'text'] },
            format: { type: 'string' },
            mimeType: { type: 'string' },
            options: { type: 'object', description: 'Languages, placement, source type, AI system and version, prompt and its writer.' },
            draft: { type: 'object', description: 'The held draft: its hash, wording, languages, warnings.' },
            reviewedWording: {
              type: 'object',
              additionalProperties: { type: 'string' },
              description: 'The wording an editor may choose on approval («… редакция тексерген» / «… проверено редакцией» / "… reviewed by the editors").',
            },
            decision: { type: 'object', description: 'decision, at, by { key, name, role }, reason (rejections), wording (approvals), recordId.' },
            output: { type: 'object', description: 'Approved: sha256, bytes, recordId of the released file.' },
            links: { type: 'object', description: 'self; before, after, approve, reject while pending; output once approved.' },
          },
        },
        StoredRecord: {
          type: 'object',
          required: ['id', 'seq', 'time', 'type', 'actor', 'door', 'inputSha256', 'format', 'data', 'hash', 'prevHash'],
          properties: {
            id: { type: 'string' },
            seq: { type: 'integer' },
            time: { type: 'string', format: 'date-time' },
            type: { type: 'string', enum: ['label', 'verify', 'review'] },
            actor: { type: 'string' },
            door: { type: 'string' },
            inputSha256: { type: 'string' },
            outputSha256: { type: 'string' },
            format: { type: 'string' },
            verdict: { type: 'string' },
            manifestLabel: { type: 'string' },
            data: { type: 'object' },
            hash: { type: 'string' },
            prevHash: { type: 'string' },
          },
        },
      },
    },
    paths: {
      '/api/v1/label': {
        post: {
          operationId: 'label',
          summary: 'Label a file: visible warning + IPTC/XMP + signed C2PA manifest',
          security: [{ bearer: [] }, { apiKey: [] }],
          parameters: [
            {
              name: 'Prefer',
              in: 'header',
              required: false,
              schema: { type: 'string', example: 'respond-async' },
              description:
                'respond-async (RFC 7240): answer 202 at once with a queued job (Preference-Applied: respond-async); follow it at /api/v1/jobs/{id}, fetch the file at /api/v1/jobs/{id}/output once done.',
            },
          ],
          requestBody: upload(labelFields),
          responses: {
            '200': {
              description: 'The labelled file, with Content-Disposition (download name) and X-Record-Id when the record is kept.',
              headers: { 'X-Record-Id': { schema: { type: 'string' }, description: 'Id of the provenance record' } },
              content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
            },
            '202': {
              description:
                'Held for review (review=required or REVIEW_REQUIRED): the job, with Location /api/v1/jobs/{id}; the file is released only once an editor approves it. With Prefer: respond-async: the queued job (state queued); when review is required it becomes the review job of the same id.',
              headers: { Location: { schema: { type: 'string' }, description: 'The job' } },
              content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Job' }, { $ref: '#/components/schemas/QueuedLabel' }] } } },
            },
            '401': problem('No API key'),
            '403': problem('Wrong API key'),
            ...errors,
          },
        },
      },
      ...jobPaths(),
      '/api/v1/verify': {
        post: {
          operationId: 'verify',
          summary: 'Verify a file: provenance, AI signals and the two-layer (machine-readable + visible) rule',
          description: 'Open unless VERIFY_REQUIRES_KEY is set.',
          security: [{}, { bearer: [] }, { apiKey: [] }],
          parameters: [
            {
              name: 'preview',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['1'] },
              description:
                'Images: add the manifest thumbnail and the ingredient tree with thumbnails (small data: URIs) to the report, for the Verify page. Not stored in the record.',
            },
            {
              name: 'ocr',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false'] },
              description:
                'Images: `false` skips reading the pixels for the visible warning (OCR); the visible layer is then known only from a trusted claim. Also accepted as a form field.',
            },
          ],
          requestBody: upload({}),
          responses: {
            '200': json('The report', { $ref: '#/components/schemas/VerifyReport' }),
            '401': problem('Key required by configuration'),
            '403': problem('Wrong API key'),
            '501': problem('Verification not available'),
            ...errors,
          },
        },
      },
      '/api/v1/records': {
        get: {
          operationId: 'listRecords',
          summary: 'The provenance record: labels, verifications and review events, newest first (labellers and editors: their own rows; admins: all)',
          security: [{ bearer: [] }, { apiKey: [] }],
          parameters: [...recordQueryParameters()],
          responses: {
            '200': json('One page of records', {
              type: 'object',
              properties: { items: { type: 'array', items: { $ref: '#/components/schemas/StoredRecord' } }, next: { type: 'string' } },
            }),
            '400': problem('Invalid query'),
            '401': problem('No API key'),
            '403': problem('Wrong API key'),
            '429': problem('RATE_LIMIT_PER_MINUTE reached for this key; see Retry-After'),
            '501': problem('No record is kept'),
          },
        },
      },
      '/api/v1/records/{id}': {
        get: {
          operationId: 'getRecord',
          summary:
            "One record; for admins a label's `prompt` too ({ text, writer } or { erasedAt }), kept outside the hash chain and never in lists or exports",
          security: [{ bearer: [] }, { apiKey: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json('The record', { $ref: '#/components/schemas/StoredRecord' }),
            '401': problem('No API key'),
            '403': problem('Wrong API key'),
            '404': problem('No such record'),
            '429': problem('Rate limit; see Retry-After'),
            '501': problem('No record is kept'),
          },
        },
      },
      '/api/v1/records/{id}/prompt': {
        delete: {
          operationId: 'erasePrompt',
          summary:
            "Admins: erase a label's prompt and its writer from the record (kept outside the hash chain, which covers only a salted hash: the record still checks)",
          security: [{ bearer: [] }, { apiKey: [] }],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': json('Erased, already erased, or no prompt was kept', {
              type: 'object',
              properties: { id: { type: 'string' }, outcome: { enum: ['erased', 'already-erased', 'no-prompt'] }, message: { type: 'string' } },
            }),
            '401': problem('No API key'),
            '403': problem('Wrong API key, or role_required: erasing needs the admin role'),
            '404': problem('No such label record'),
            '429': problem('Rate limit; see Retry-After'),
          },
        },
      },
      '/api/v1/survive': {
        post: {
          operationId: 'survive',
          summary:
            'Survival report: the copies platforms and editors make of a labelled file (Telegram-, WhatsApp-, Facebook-, X-like, screenshot, crop, resize, greyscale, WebP; for texts plain paste, Markdown to HTML to text, half excerpt) and which layers survive each',
          security: [{ bearer: [] }, { apiKey: [] }],
          parameters: [
            {
              name: 'preview',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['1'] },
              description: 'Add a small JPEG of each image copy (data: URI) and the first characters of each text copy, for the web page.',
            },
            {
              name: 'ocr',
              in: 'query',
              required: false,
              schema: { type: 'string', enum: ['true', 'false'] },
              description: '`false`: do not read the pixels of the copies for the warning; the recorded region is compared instead.',
            },
          ],
          requestBody: upload({}),
          responses: {
            '200': json('The survival report (schema/survival-report.schema.json)', { type: 'object' }),
            '401': problem('No API key'),
            '403': problem('Wrong API key'),
            ...errors,
          },
        },
      },
      '/api/v1/clean': {
        post: {
          operationId: 'clean',
          summary:
            'A clean copy of a picture for publication (source protection): GPS, serial numbers, owner names, device ids, maker notes, embedded previews, editing history and prompts removed; the pixels re-encoded in the same format; editorial fields and the AI label kept; a C2PA manifest cannot stay valid, so the copy gets a new one signed by this service with the original as parent ingredient (or none, with a warning, when the original’s was unreadable)',
          security: [{ bearer: [] }, { apiKey: [] }],
          requestBody: upload({}),
          responses: {
            '200': {
              description: 'The clean copy (same type); X-Privacy-Removed: fields removed; X-Manifest: none, re-signed or dropped',
              content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
            },
            '401': problem('No API key'),
            '403': problem('Wrong API key'),
            ...errors,
          },
        },
      },
      '/api/v1/lookup': {
        get: {
          operationId: 'lookupIscc',
          summary:
            'Soft-binding resolver: the labelled output (record and manifest label) whose ISCC Content-Code is near the given one (within 10 of 64 bits)',
          security: [{ bearer: [] }, { apiKey: [] }],
          parameters: [
            {
              name: 'iscc',
              in: 'query',
              required: true,
              schema: { type: 'string', example: 'ISCC:EEAZ7XRXKQ5F6WOM' },
              description: 'An ISCC Image-Code or Text-Code (ISO 24138) of 64 bits or more, as computed from a copy',
            },
          ],
          responses: {
            '200': json('The matching record', {
              type: 'object',
              properties: {
                iscc: { type: 'string' },
                distance: { type: 'integer', description: 'Bits (of 64) between the code and the nearest stored one' },
                matched: { type: 'string', description: 'The stored code it met (the whole output, a crop or a half-text window)' },
                manifestLabel: { type: ['string', 'null'] },
                record: { $ref: '#/components/schemas/StoredRecord' },
              },
            }),
            '400': problem('Not an ISCC Image- or Text-Code'),
            '401': problem('No API key'),
            '403': problem('Wrong API key'),
            '404': problem('No labelled output has a code near this one'),
            '429': problem('Rate limit; see Retry-After'),
            '501': problem('No record is kept'),
          },
        },
      },
      '/api/v1/info': {
        get: {
          operationId: 'info',
          summary: 'What the web pages need: development or real signer, size and pixel limits, languages, placements per file type, source types',
          security: [{}],
          responses: { '200': json('Service information (nothing secret)', { $ref: '#/components/schemas/ServiceInfo' }) },
        },
      },
      '/healthz': { get: { operationId: 'healthz', summary: 'Liveness: the process answers', responses: { '200': json('Alive', { type: 'object' }) } } },
      '/readyz': {
        get: {
          operationId: 'readyz',
          summary: 'Readiness: signer loaded, exiftool usable, record open',
          responses: {
            '200': json('Ready', { type: 'object' }),
            '503': json('Not ready: shutting down, a failed check, less than MIN_FREE_BYTES free in DATA_DIR, or the watch folder halted (see reasons)', {
              type: 'object',
            }),
          },
        },
      },
      '/metrics': {
        get: {
          operationId: 'metrics',
          summary: 'Prometheus metrics',
          responses: { '200': { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/api/openapi.json': { get: { operationId: 'openapi', summary: 'This document', responses: { '200': json('OpenAPI 3.1', { type: 'object' }) } } },
    },
  };
}

/** The review routes: who may do what is said per route; 403 role_required names the role needed. */
function jobPaths(): Record<string, object> {
  const security = [{ bearer: [] }, { apiKey: [] }];
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
  const job = json('The job', { $ref: '#/components/schemas/Job' });
  const common = {
    '401': problem('No API key'),
    '403': problem('Wrong API key, or role_required: the key lacks the role (the detail names it)'),
    '404': problem('No job with this id that this key may see'),
    '429': problem('Rate limit; see Retry-After'),
  };
  const decision = (props: Record<string, object>, required: string[] = []) => ({
    required: false,
    content: {
      'application/json': { schema: { type: 'object', required, properties: props } },
      'application/x-www-form-urlencoded': { schema: { type: 'object', required, properties: props } },
    },
  });
  const reviewerName = { type: 'string', maxLength: 200, description: "The reviewer's name, written into the manifest next to the key name." };
  return {
    '/api/v1/jobs': {
      get: {
        operationId: 'listJobs',
        summary: 'Jobs held for review, newest first (labellers: their own; editors and admins: all)',
        security,
        parameters: [{ name: 'state', in: 'query', required: false, schema: { type: 'string', enum: ['pending_review', 'approved', 'rejected', 'expired'] } }],
        responses: {
          '200': json('The jobs', { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Job' } } } }),
          '400': problem('Invalid state'),
          ...common,
        },
      },
    },
    '/api/v1/jobs/{id}': {
      get: {
        operationId: 'getJob',
        summary: 'One job (its submitter, editors, admins): a review job, or a queued label',
        security,
        parameters: [id],
        responses: {
          '200': json('The job', { oneOf: [{ $ref: '#/components/schemas/Job' }, { $ref: '#/components/schemas/QueuedLabel' }] }),
          ...common,
        },
      },
    },
    '/api/v1/jobs/{id}/output': {
      get: {
        operationId: 'jobOutput',
        summary: 'The released file of an approved job, or the labelled file of a done queued label, to its submitter and to editors',
        security,
        parameters: [id],
        responses: {
          '200': {
            description: 'The file, signed with the review inside its manifest',
            content: { 'image/*': { schema: { type: 'string', format: 'binary' } } },
          },
          ...common,
          '409': problem('job_state: pending, rejected or expired jobs release nothing'),
        },
      },
    },
    '/api/v1/jobs/{id}/preview/{side}': {
      get: {
        operationId: 'jobPreview',
        summary: 'Editors: before/after of a pending job (a small JPEG without metadata, or the text without its manifest), never the file',
        security,
        parameters: [id, { name: 'side', in: 'path', required: true, schema: { type: 'string', enum: ['before', 'after'] } }],
        responses: {
          '200': {
            description: 'The preview',
            content: { 'image/jpeg': { schema: { type: 'string', format: 'binary' } }, 'text/plain': { schema: { type: 'string' } } },
          },
          ...common,
          '409': problem('job_state: the job is not pending'),
        },
      },
    },
    '/api/v1/jobs/{id}/approve': {
      post: {
        operationId: 'approveJob',
        summary:
          'Editors: approve a pending job; it is labelled again with the review signed into its manifest (kz.labeller.review, c2pa.published), recorded and released',
        security,
        parameters: [id],
        requestBody: decision({
          wording: { type: 'string', enum: ['reviewed', 'draft'], description: 'reviewed: the reviewed wording; draft (default): as labelled' },
          reviewerName,
        }),
        responses: {
          '200': job,
          '400': problem('Invalid wording or name'),
          ...common,
          '409': problem('job_state: already decided or expired'),
          '503': problem('Too many jobs at once; see Retry-After'),
        },
      },
    },
    '/api/v1/jobs/{id}/reject': {
      post: {
        operationId: 'rejectJob',
        summary: 'Editors: reject a pending job with a reason; nothing is released and its draft is deleted',
        security,
        parameters: [id],
        requestBody: decision({ reason: { type: 'string', maxLength: 500 }, reviewerName }, ['reason']),
        responses: { '200': job, '400': problem('No reason'), ...common, '409': problem('job_state: already decided or expired') },
      },
    },
  };
}
