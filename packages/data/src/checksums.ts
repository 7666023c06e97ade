import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A file identified by its sha256 and size. */
export interface ChecksummedFile {
  name: string;
  sha256: string;
  bytes: number;
}

/**
 * The four official EMNIST-Letters files, as NIST ships them inside gzip.zip
 * (sha256 and sizes from the official distribution; see shared CHECKSUMS.sha256 provenance).
 */
export const OFFICIAL_FILES = {
  trainImages: {
    name: 'emnist-letters-train-images-idx3-ubyte.gz',
    sha256: '6288f418a917e007bf5fddb823a2dc7a5c6a35031401b93292a539cb12bd881f',
    bytes: 30804864,
  },
  trainLabels: {
    name: 'emnist-letters-train-labels-idx1-ubyte.gz',
    sha256: '9759af91ea6bccdf07a6040fd085861f2ec88e37f7c3f5760f6feb57106fbe5c',
    bytes: 79283,
  },
  testImages: {
    name: 'emnist-letters-test-images-idx3-ubyte.gz',
    sha256: '50f0e93d75b99b463e9760b8345866f22587fa2c2fba472730a5ba09c693412d',
    bytes: 5039157,
  },
  testLabels: {
    name: 'emnist-letters-test-labels-idx1-ubyte.gz',
    sha256: '924955c31fe7fd809b7303b5c0141282955f4b8390c74cdfd5d80435e0f4b4cb',
    bytes: 144,
  },
} as const satisfies Record<string, ChecksummedFile>;

/** Which official file: train or test, images or labels. */
export type OfficialFileKey = keyof typeof OFFICIAL_FILES;

/** The sha256 (hex) of a file, streamed so large files need no memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The sha256 (hex) of bytes. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The outcome of checking one file against its expected checksum. */
export interface FileCheck {
  name: string;
  path: string;
  status: 'ok' | 'missing' | 'mismatch';
  /** The expected sha256. */
  expected: string;
  /** The sha256 found, when the file exists. */
  actual?: string;
}

/** Checks files in a directory against their sha256. */
export async function verifyFiles(dir: string, files: readonly ChecksummedFile[]): Promise<FileCheck[]> {
  return Promise.all(
    files.map(async ({ name, sha256 }): Promise<FileCheck> => {
      const path = join(dir, name);
      const exists = await stat(path).then(
        (s) => s.isFile(),
        () => false,
      );
      if (!exists) return { name, path, status: 'missing', expected: sha256 };
      const actual = await sha256File(path);
      return { name, path, status: actual === sha256 ? 'ok' : 'mismatch', expected: sha256, actual };
    }),
  );
}

/** One line describing a failed check, naming the file and what is wrong. */
export function describeCheck(check: FileCheck): string {
  if (check.status === 'missing') return `${check.path}: missing`;
  if (check.status === 'mismatch') return `${check.path}: sha256 ${check.actual} does not match the official ${check.expected}`;
  return `${check.path}: ok`;
}
