/**
 * Detector: generator settings left in PNG text chunks (and, for JPEG/WebP from the same web
 * UIs, in EXIF UserComment): Stable Diffusion web UIs write `parameters`, ComfyUI writes
 * `prompt` (the executed graph) and `workflow` (the editor graph), NovelAI writes `Comment`.
 */
import type { Signal } from '../domain/report.js';
import type { PngText } from './png-chunks.js';

/**
 * A1111/Forge/Fooocus "parameters" end with a settings line like "Steps: 20, Sampler: …": a
 * "Steps: <n>" with a setting named anywhere after it. Two forward searches, not
 * /\bSteps:\s*\d+.*\b(?:Sampler|…):/is, whose ".*" ran to the end of the text from every
 * "Steps: 1" (a 64 KB UserComment took seconds, 1 MB hours).
 */
function hasSdSettings(text: string): boolean {
  const steps = /\bSteps:\s*\d+/i.exec(text);
  if (!steps) return false;
  const setting = /\b(?:Sampler|CFG scale|Seed|Model):/gi;
  setting.lastIndex = steps.index + steps[0].length;
  return setting.test(text);
}

export function detectPngText(chunks: PngText[], userComment?: string): Signal[] {
  const signals: Signal[] = [];
  const byKey = new Map(chunks.map((c) => [c.keyword.toLowerCase(), c]));
  const parameters = byKey.get('parameters');
  if (parameters) signals.push(sdSignal(`PNG ${parameters.chunk} "parameters"`, parameters.text));
  else if (userComment && hasSdSettings(userComment)) signals.push(sdSignal('EXIF UserComment', userComment));

  const comfy = ['prompt', 'workflow'].map((k) => byKey.get(k)).filter((c): c is PngText => !!c && looksLikeComfyGraph(c.text));
  if (comfy.length) {
    const models = modelNames(comfy.map((c) => c.text).join('\n'));
    signals.push({
      source: 'png-text',
      ai: true,
      label: false,
      generator: 'ComfyUI',
      field: comfy.map((c) => `PNG ${c.chunk} "${c.keyword}"`).join(', '),
      ...(models.length ? { models } : {}),
      detail: `PNG text chunks ${comfy.map((c) => `"${c.keyword}"`).join(' and ')} hold a ComfyUI generation graph${models.length ? ` (model ${models[0]})` : ''}`,
    });
  }
  const novel = byKey.get('software');
  if (novel && /novelai/i.test(novel.text))
    signals.push({
      source: 'png-text',
      ai: true,
      label: false,
      generator: 'NovelAI',
      field: `PNG ${novel.chunk} "Software"`,
      detail: 'PNG text chunk "Software" names NovelAI',
    });
  return signals;
}

function sdSignal(field: string, text: string): Signal {
  const model = /\bModel:\s*([^,\n]+)/i.exec(text)?.[1]?.trim().slice(0, 200);
  // The prompt is what comes before the first settings line (search, not split: no array of a million pieces).
  const cut = text.search(/\n(?:Negative prompt:|Steps:)/i);
  const prompt = (cut < 0 ? text : text.slice(0, cut)).trim();
  return {
    source: 'png-text',
    ai: true,
    label: false,
    generator: 'Stable Diffusion web UI',
    field,
    ...(model ? { models: [model] } : {}),
    ...(prompt ? { prompt: prompt.slice(0, 500) } : {}),
    detail: `${field} holds Stable Diffusion generation settings${model ? ` (model ${model})` : ''}`,
  };
}

/** ComfyUI graphs are JSON objects whose nodes carry `class_type` (prompt) or a `nodes` array (workflow). */
function looksLikeComfyGraph(text: string): boolean {
  try {
    const g = JSON.parse(text) as Record<string, unknown>;
    if (!g || typeof g !== 'object') return false;
    if (Array.isArray(g.nodes)) return true;
    return Object.values(g).some((n) => !!n && typeof n === 'object' && 'class_type' in (n as object));
  } catch {
    return false;
  }
}

function modelNames(text: string): string[] {
  const names = [...text.matchAll(/"(?:ckpt_name|unet_name|model_name)"\s*:\s*"([^"]{1,200})"/g)].map((m) => m[1]);
  return [...new Set(names)].slice(0, 5);
}
