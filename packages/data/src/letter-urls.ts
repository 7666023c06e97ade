import { type LetterSet, letterSetFromIdx } from './emnist.js';
import { decodeIdx } from './idx-web.js';

/** The file names of the embedded sample, by split, as `sample/manifest.json` lists them. */
export const SAMPLE_FILES = Object.freeze({
  train: Object.freeze({ images: 'sample-train-images-idx3-ubyte.gz', labels: 'sample-train-labels-idx1-ubyte.gz' }),
  test: Object.freeze({ images: 'sample-test-images-idx3-ubyte.gz', labels: 'sample-test-labels-idx1-ubyte.gz' }),
});

/** The bytes at a URL; a failed request is an error that names the URL and the HTTP status. */
async function fetchBytes(url: string | URL): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return new Uint8Array(await response.arrayBuffer());
}

/** Fetches an EMNIST-Letters images file and labels file (gzip or not) into an upright LetterSet. */
export async function fetchLetterSet(imagesUrl: string | URL, labelsUrl: string | URL): Promise<LetterSet> {
  const [images, labels] = await Promise.all(
    [imagesUrl, labelsUrl].map(async (url) => decodeIdx(await fetchBytes(url), { file: String(url) })),
  );
  return letterSetFromIdx(images!, labels!, { images: String(imagesUrl), labels: String(labelsUrl) });
}

/**
 * Loads one split of the embedded sample from a folder URL that serves this package's `sample/` files (a web
 * app copies them beside its pages), e.g. `loadSampleFromUrl('test', new URL('sample/', document.baseURI))`.
 */
export function loadSampleFromUrl(split: keyof typeof SAMPLE_FILES, folderUrl: string | URL): Promise<LetterSet> {
  const files = SAMPLE_FILES[split];
  const folder = String(folderUrl).endsWith('/') ? String(folderUrl) : `${folderUrl}/`;
  return fetchLetterSet(new URL(files.images, folder), new URL(files.labels, folder));
}
