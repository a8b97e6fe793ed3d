/**
 * DELETE /api/v1/records/:id/prompt: erases a label's prompt (text, writer, salt) from the
 * record. Admin only: a prompt may name people, and erasing is the data controller's act.
 */
import type { RequestHandler } from 'express';
import { erasePrompt } from '../../core/erase.js';
import { LabellerError } from '../../domain/errors.js';
import { callerOf } from '../auth.js';
import type { AppDeps } from '../deps.js';

export function erasePromptHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const me = callerOf(res);
    if (me.role !== 'admin')
      throw new LabellerError('role_required', `erasing a prompt from the record needs the admin role; the key "${me.key}" has the ${me.role} role`);
    const done = await erasePrompt(deps.ctx.records, String(req.params.id));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ id: String(req.params.id), ...done });
  };
}
