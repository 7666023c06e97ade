import { type LetterSet, letterSetFromIdx } from './emnist.js';
import { readIdxFile } from './idx-stream.js';

/** Reads an EMNIST-Letters images file and labels file (gzip or not) into an upright LetterSet. */
export async function readLetterSet(imagesPath: string, labelsPath: string): Promise<LetterSet> {
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  return letterSetFromIdx(images, labels, { images: imagesPath, labels: labelsPath });
}
