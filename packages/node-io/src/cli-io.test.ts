import { afterEach, describe, expect, it, vi } from 'vitest';
import { processIo } from './cli-io.js';

afterEach(() => vi.restoreAllMocks());

describe('processIo', () => {
  it("writes to the process's own stdout and stderr, as they are", () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    processIo.stdout('result\n');
    processIo.stderr('warning\n');
    expect(out.mock.calls).toEqual([['result\n']]);
    expect(err.mock.calls).toEqual([['warning\n']]);
  });
});
