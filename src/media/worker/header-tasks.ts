/**
 * The header read as a parse-worker task (media/header.ts): sharp's strings of a large XMP
 * packet are made here, off the event loop; only the header and the blocks as bytes go back.
 */
import { readHeader } from '../sharp.js';

export const TASKS = {
  header: (input: Buffer) => readHeader(input),
};
