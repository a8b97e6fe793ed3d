/**
 * Uploads being received at once: bounded in all (503 busy beyond) and per client address
 * (429 beyond), separately from the job slots. A slow client therefore holds one of its own
 * few upload places, never a job slot: jobs start only once a whole body is in memory.
 */
import { HttpProblem } from './problem.js';

export interface UploadGate {
  /** A release function, or throws `busy` / `rate_limited`. */
  enter(client: string): () => void;
  readonly active: number;
}

export function createUploadGate(maxTotal: number, maxPerClient: number, retryAfterS = 5): UploadGate {
  let active = 0;
  const perClient = new Map<string, number>();
  return {
    get active() {
      return active;
    },
    enter(client: string) {
      const mine = perClient.get(client) ?? 0;
      if (mine >= maxPerClient) {
        throw new HttpProblem('rate_limited', `Already receiving ${mine} uploads from your address; wait for them to finish.`, retryAfterS);
      }
      if (active >= maxTotal) throw new HttpProblem('busy', `The service is receiving ${active} uploads; try again in a few seconds.`, retryAfterS);
      active++;
      perClient.set(client, mine + 1);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        active--;
        const n = (perClient.get(client) ?? 1) - 1;
        if (n > 0) perClient.set(client, n);
        else perClient.delete(client);
      };
    },
  };
}
