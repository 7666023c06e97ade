import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './files.js';

describe('writeFileAtomic', () => {
  it('replaces a file and leaves no temporary file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-files-'));
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'one');
    await writeFileAtomic(path, new TextEncoder().encode('two'));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('fails without touching the target when the folder does not exist', async () => {
    await expect(writeFileAtomic(join(tmpdir(), 'no-such-folder-mixent', 'x'), 'x')).rejects.toThrow(/ENOENT/);
  });
});
