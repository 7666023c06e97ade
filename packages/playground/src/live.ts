import { probabilitiesOf } from './classify.js';
import type { RunModel } from './runs.js';

/**
 * Classifies the latest input as it changes: at most one classification runs at a time, and one that finishes
 * while the input has changed runs again on the newest. `status` carries data-busy="true" until the answers
 * shown are those of the newest input.
 */
export function classifyLive(
  models: () => readonly RunModel[],
  show: (pixels: Uint8Array | undefined, probabilities: Float64Array[] | undefined) => void,
  status: HTMLElement,
): { request: (pixels: Uint8Array | undefined) => void } {
  let running = false;
  let pending: { pixels: Uint8Array | undefined } | undefined;
  const run = async () => {
    running = true;
    try {
      while (pending) {
        const { pixels } = pending;
        pending = undefined;
        show(pixels, pixels && models().length > 0 ? await probabilitiesOf(models(), pixels) : undefined);
      }
    } finally {
      running = false;
      status.dataset.busy = 'false';
    }
  };
  return {
    request(pixels) {
      pending = { pixels };
      status.dataset.busy = 'true';
      if (!running) void run();
    },
  };
}
