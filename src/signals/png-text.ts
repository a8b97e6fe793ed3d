/**
 * Detector: generator settings left in PNG text chunks (and, for JPEG/WebP from the same web
 * UIs, in EXIF UserComment): Stable Diffusion web UIs write `parameters`, ComfyUI writes
 * `prompt` (the executed graph) and `workflow` (the editor graph), NovelAI writes `Comment`.
 */
import type { Signal } from '../domain/report.js';
import type { PngText } from './png-chunks.js';

/** A1111/Forge/Fooocus "parameters" end with a settings line like "Steps: 20, Sampler: …". */
const SD_SETTINGS = /\bSteps:\s*\d+.*\b(?:Sampler|CFG scale|Seed|Model):/is;

export function detectPngText(chunks: PngText[], userComment?: string): Signal[] {
  const signals: Signal[] = [];
  const byKey = new Map(chunks.map((c) => [c.keyword.toLowerCase(), c]));
  const parameters = byKey.get('parameters');
  if (parameters) signals.push(sdSignal(`PNG ${parameters.chunk} "parameters"`, parameters.text));
  else if (userComment && SD_SETTINGS.test(userComment)) signals.push(sdSignal('EXIF UserComment', userComment));

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
  if (novel && /novelai/i.test(novel.text)) signals.push({ source: 'png-text', ai: true, label: false, generator: 'NovelAI', field: `PNG ${novel.chunk} "Software"`, detail: 'PNG text chunk "Software" names NovelAI' });
  return signals;
}

function sdSignal(field: string, text: string): Signal {
  const model = /\bModel:\s*([^,\n]+)/i.exec(text)?.[1]?.trim();
  const prompt = text.split(/\n(?:Negative prompt:|Steps:)/i)[0].trim();
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
