import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Point, augmentImage, perspectiveCoefficients, randomPerspectivePoints, rotateImage, warpPerspective } from './augment.js';
import { Rng } from './rng.js';

const SIZE = 28;
const corners: Point[] = [
  [0, 0],
  [27, 0],
  [27, 27],
  [0, 27],
];

function onePixel(row: number, col: number, value = 255): Uint8Array {
  const image = new Uint8Array(SIZE * SIZE);
  image[row * SIZE + col] = value;
  return image;
}

function litPixels(image: Uint8Array): [number, number, number][] {
  const lit: [number, number, number][] = [];
  image.forEach((v, i) => v && lit.push([Math.floor(i / SIZE), i % SIZE, v]));
  return lit;
}

function randomImage(seed: number): Uint8Array {
  const rng = Rng.fromSeed(seed);
  return Uint8Array.from({ length: SIZE * SIZE }, () => rng.int(0, 256));
}

describe('rotateImage (Pillow rotate, nearest, about the centre)', () => {
  it('turns a single pixel by 90° counter-clockwise: (r, c) → (27 − c, r)', () => {
    // Hand computation: the centre is (14, 14) in continuous coordinates; the output pixel at
    // row 7, column 5 has its centre at (5.5, 7.5) and samples the input at
    // x = 14 − (7.5 − 14) = 20.5, y = 14 + (5.5 − 14) = 5.5, i.e. input row 5, column 20.
    expect(litPixels(rotateImage(onePixel(5, 20), 90))).toEqual([[7, 5, 255]]);
    expect(litPixels(rotateImage(onePixel(0, 0), 90))).toEqual([[27, 0, 255]]);
  });

  it('turns by −90° and 180° as hand-computed, and 360° is the identity', () => {
    expect(litPixels(rotateImage(onePixel(5, 20), -90))).toEqual([[20, 22, 255]]);
    expect(litPixels(rotateImage(onePixel(5, 20), 180))).toEqual([[22, 7, 255]]);
    const image = randomImage(1);
    expect(rotateImage(image, 360)).toEqual(image);
    expect(rotateImage(image, 0)).toEqual(image);
  });

  it('four quarter turns give the image back, and a quarter turn equals a transpose then a flip', () => {
    const image = randomImage(2);
    let turned = image;
    for (let i = 0; i < 4; i++) turned = rotateImage(turned, 90);
    expect(turned).toEqual(image);
    const quarter = rotateImage(image, 90);
    for (let r = 0; r < SIZE; r++) for (let c = 0; c < SIZE; c++) expect(quarter[(SIZE - 1 - c) * SIZE + r]).toBe(image[r * SIZE + c]);
  });

  it('fills with 0 what comes from outside the image', () => {
    const white = new Uint8Array(SIZE * SIZE).fill(255);
    const turned = rotateImage(white, 10);
    expect(turned[0]).toBe(0); // a corner comes from outside
    expect(turned[14 * SIZE + 14]).toBe(255); // the centre stays
  });

  it('a small angle moves a pixel where the rotation matrix says', () => {
    // The output pixel (row 4, column 14) has its centre 0.5 right of and 9.5 above the image's
    // centre; it must take the input pixel that the inverse rotation sends that point to.
    const degrees = 10;
    const t = (-degrees * Math.PI) / 180;
    const [dx, dy] = [14.5 - 14, 4.5 - 14];
    const xin = Math.floor(Math.cos(t) * dx + Math.sin(t) * dy + 14);
    const yin = Math.floor(-Math.sin(t) * dx + Math.cos(t) * dy + 14);
    expect(rotateImage(onePixel(yin, xin), degrees)[4 * SIZE + 14]).toBe(255);
  });
});

describe('perspective (torchvision coefficients, Pillow bilinear)', () => {
  it('solves for coefficients that map each endpoint to its startpoint', () => {
    const endpoints: Point[] = [
      [3, 2],
      [25, 1],
      [26, 27],
      [1, 24],
    ];
    const [a, b, c, d, e, f, g, h] = perspectiveCoefficients(corners, endpoints) as number[];
    endpoints.forEach(([x, y], i) => {
      const w = g! * x + h! * y + 1;
      expect((a! * x + b! * y + c!) / w).toBeCloseTo((corners[i] as Point)[0], 9);
      expect((d! * x + e! * y + f!) / w).toBeCloseTo((corners[i] as Point)[1], 9);
    });
  });

  it('is the identity when endpoints equal startpoints', () => {
    const image = randomImage(3);
    expect(warpPerspective(image, perspectiveCoefficients(corners, corners))).toEqual(image);
  });

  it('shifts by whole pixels when the endpoints are the corners shifted, filling with 0', () => {
    const image = randomImage(4);
    const shifted = warpPerspective(
      image,
      perspectiveCoefficients(
        corners,
        corners.map(([x, y]) => [x + 2, y + 1] as Point),
      ),
    );
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const expected = r >= 1 && c >= 2 ? image[(r - 1) * SIZE + (c - 2)] : 0;
        expect(shifted[r * SIZE + c]).toBe(expected);
      }
    }
  });

  it('interpolates bilinearly between pixels, truncating like Pillow', () => {
    // A half-pixel shift to the right: each output pixel averages two inputs (100 and 201 → 150.5 → 150).
    const image = new Uint8Array(SIZE * SIZE);
    image[10 * SIZE + 10] = 100;
    image[10 * SIZE + 11] = 201;
    const half = warpPerspective(
      image,
      perspectiveCoefficients(
        corners,
        corners.map(([x, y]) => [x + 0.5, y] as Point),
      ),
    );
    expect(half[10 * SIZE + 10]).toBe(50);
    expect(half[10 * SIZE + 11]).toBe(150);
    expect(half[10 * SIZE + 12]).toBe(100);
  });
});

describe('the random reference augmentation', () => {
  it('draws corners in torchvision ranges: near corners in [0, 7], far ones in [20, 27]', () => {
    const rng = Rng.fromSeed('corners');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const [start, end] = randomPerspectivePoints(rng, 0.5);
      expect(start).toEqual(corners);
      const [tl, tr, br, bl] = end as [Point, Point, Point, Point];
      for (const v of [tl[0], tl[1], tr[1], bl[0]]) expect(v >= 0 && v <= 7).toBe(true);
      for (const v of [tr[0], br[0], br[1], bl[1]]) expect(v >= 20 && v <= 27).toBe(true);
      seen.add(tl[0]);
    }
    expect(seen.size).toBe(8); // every value of [0, 7] occurs
  });

  it('is deterministic under a seed and differs across seeds', () => {
    const image = randomImage(5);
    const a = augmentImage(image, Rng.fromSeed(7));
    expect(augmentImage(image, Rng.fromSeed(7))).toEqual(a);
    expect(augmentImage(image, Rng.fromSeed(8))).not.toEqual(a);
  });

  it('applies the perspective about half of the time and always rotates by at most 10°', () => {
    const rng = Rng.fromSeed('rate');
    const image = onePixel(14, 14);
    let kept = 0;
    for (let i = 0; i < 400; i++) {
      // With no rotation range, an image is changed only by the perspective.
      if (augmentImage(image, rng, { rotationDegrees: 0 })[14 * SIZE + 14] === 255) kept++;
    }
    expect(kept).toBeGreaterThan(150);
    expect(kept).toBeLessThan(400);
    // The centre pixel survives every rotation of at most 10° when there is no perspective.
    const noPerspective = { perspectiveProbability: 0 };
    for (let i = 0; i < 100; i++) expect(augmentImage(image, rng, noPerspective)[14 * SIZE + 14]).toBe(255);
  });

  it('does not modify its input', () => {
    const image = randomImage(6);
    const copy = image.slice();
    augmentImage(image, Rng.fromSeed(1));
    expect(image).toEqual(copy);
  });
});

/** Real sample images through torchvision 0.14's own functions and Pillow 9.4 (tools/augment-reference.py). */
interface TorchvisionCase {
  image: string;
  startpoints: Point[];
  endpoints: Point[];
  coefficients: number[];
  perspective: string;
  angle: number;
  rotated: string;
}
const reference = JSON.parse(readFileSync(new URL('./__fixtures__/augment-torchvision.json', import.meta.url), 'utf8')) as {
  cases: TorchvisionCase[];
};
const pixels = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('against torchvision and Pillow', () => {
  it('has ordinary cases and cases on the edge of a pixel', () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(20);
  });

  it('rotates exactly as torchvision.transforms.functional.rotate (nearest, fill 0)', () => {
    for (const [i, c] of reference.cases.entries()) {
      expect(rotateImage(pixels(c.image), c.angle), `case ${i}, ${c.angle}°`).toEqual(pixels(c.rotated));
    }
  });

  it('warps exactly as torchvision.transforms.functional.perspective (bilinear, fill 0), given its coefficients', () => {
    for (const [i, c] of reference.cases.entries()) {
      expect(warpPerspective(pixels(c.image), c.coefficients), `case ${i}`).toEqual(pixels(c.perspective));
    }
  });

  it('solves for the coefficients torchvision solves for, to its float32 least squares', () => {
    let differing = 0;
    for (const c of reference.cases) {
      const ours = perspectiveCoefficients(c.startpoints, c.endpoints);
      ours.forEach((v, k) => expect(Math.abs(v - c.coefficients[k]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
      // Solved in float64, ours can land a bilinear weight on the other side of a truncation: one grey level.
      const warped = warpPerspective(pixels(c.image), ours);
      const expected = pixels(c.perspective);
      expect(warped.every((v, k) => Math.abs(v - expected[k]!) <= 1)).toBe(true);
      if (warped.some((v, k) => v !== expected[k])) differing++;
    }
    expect(differing).toBeLessThanOrEqual(reference.cases.length / 4);
  });
});
