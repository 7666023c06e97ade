import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSystemError, pathExists, writeFileDurably } from './files.js';

describe('pathExists', () => {
  it('tells files and folders that exist from paths that do not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-files-'));
    writeFileSync(join(dir, 'a'), 'x');
    expect(await pathExists(join(dir, 'a'))).toBe(true);
    expect(await pathExists(dir)).toBe(true);
    expect(await pathExists(join(dir, 'b'))).toBe(false);
  });
});

describe('writeFileDurably', () => {
  it('writes a file whole, replacing what was there, and flushes a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mixent-files-'));
    const path = join(dir, 'state.json');
    writeFileSync(path, 'a much longer old content');
    await writeFileDurably(path, '{"epoch":2}');
    expect(readFileSync(path, 'utf8')).toBe('{"epoch":2}');
    await writeFileDurably(join(dir, 'bytes.bin'), Uint8Array.from([1, 2, 3]));
    expect([...readFileSync(join(dir, 'bytes.bin'))]).toEqual([1, 2, 3]);
    await expect(writeFileDurably(dir)).resolves.toBeUndefined();
    await expect(writeFileDurably(join(dir, 'missing'))).rejects.toThrow(/ENOENT.*missing/);
  });
});

describe('isSystemError', () => {
  it('tells Node system errors from others', async () => {
    const error = await writeFileDurably('/nonexistent/folder').catch((e: unknown) => e);
    expect(isSystemError(error)).toBe(true);
    expect(isSystemError(new Error('not a zip'))).toBe(false);
    expect(isSystemError('ENOENT')).toBe(false);
  });
});
