import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathExists } from './files.js';

describe('pathExists', () => {
  it('tells files and folders that exist from paths that do not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-files-'));
    writeFileSync(join(dir, 'a'), 'x');
    expect(await pathExists(join(dir, 'a'))).toBe(true);
    expect(await pathExists(dir)).toBe(true);
    expect(await pathExists(join(dir, 'b'))).toBe(false);
  });
});
