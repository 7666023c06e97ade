import { IMAGE_SIZE } from './emnist.js';
import type { Rng } from './rng.js';

/**
 * The reference training augmentation, torchvision's RandomPerspective() then
 * RandomRotation(10, fill=0), applied as torchvision applies them to PIL images: the same
 * parameter distributions and the same Pillow resampling (bilinear for the perspective,
 * nearest for the rotation, pixel centres at +0.5, fill 0), tested pixel for pixel against
 * torchvision (the perspective given torchvision's float32 coefficients; see perspectiveCoefficients).
 * The random draws come from a seeded Rng, so they are reproducible but not torch's own stream.
 */

/** A point (x = column, y = row) in pixel-index coordinates. */
export type Point = readonly [number, number];

/** Options of the reference augmentation. */
export interface AugmentOptions {
  /** RandomPerspective's distortion_scale (default 0.5). */
  distortionScale?: number;
  /** RandomPerspective's probability p (default 0.5). */
  perspectiveProbability?: number;
  /** RandomRotation's degrees: the angle is uniform in [-degrees, degrees] (default 10). */
  rotationDegrees?: number;
}

/**
 * The 8 coefficients (a..h) that map an output point to its input point,
 * (x, y) → ((a·x + b·y + c) / (g·x + h·y + 1), (d·x + e·y + f) / (g·x + h·y + 1)),
 * for a warp that sends each startpoint to its endpoint (torchvision's _get_perspective_coeffs). Solved in
 * float64: torchvision's float32 least squares lands within ~2e-5 of these, which moves one grey level of the
 * warp in about 4% of images.
 */
export function perspectiveCoefficients(startpoints: readonly Point[], endpoints: readonly Point[]): number[] {
  if (startpoints.length !== 4 || endpoints.length !== 4)
    throw new Error('perspectiveCoefficients: expected 4 startpoints and 4 endpoints');
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = endpoints[i] as Point;
    const [u, v] = startpoints[i] as Point;
    rows.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    rows.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  return solveLinear(rows);
}

/** Solves an n×n system given as augmented rows [A | b] by Gaussian elimination with partial pivoting. */
function solveLinear(rows: number[][]): number[] {
  const n = rows.length;
  const m = rows.map((r) => [...r]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-12) throw new Error('perspectiveCoefficients: degenerate points (three are collinear)');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = m[r]!;
      const f = row[col]! / p[col]!;
      if (f !== 0) for (let c = col; c <= n; c++) row[c]! -= f * p[c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/**
 * Warps a square grey image with perspective coefficients (output → input), sampling
 * bilinearly at output pixel centres like Pillow's Image.transform(PERSPECTIVE, BILINEAR):
 * points outside the input get `fill`, neighbours past the edge repeat the edge, and the
 * result is truncated to an integer.
 */
export function warpPerspective(image: Uint8Array, coeffs: readonly number[], size = IMAGE_SIZE, fill = 0): Uint8Array {
  const [a, b, c, d, e, f, g, h] = coeffs as [number, number, number, number, number, number, number, number];
  const out = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const w = g * px + h * py + 1;
      const xin = (a * px + b * py + c) / w;
      const yin = (d * px + e * py + f) / w;
      out[y * size + x] = xin < 0 || xin >= size || yin < 0 || yin >= size ? fill : bilinear(image, size, xin - 0.5, yin - 0.5);
    }
  }
  return out;
}

function bilinear(image: Uint8Array, size: number, xin: number, yin: number): number {
  const x = Math.floor(xin);
  const y = Math.floor(yin);
  const dx = xin - x;
  const dy = yin - y;
  const clip = (v: number) => Math.min(Math.max(v, 0), size - 1);
  const x0 = clip(x);
  const x1 = clip(x + 1);
  const row0 = clip(y) * size;
  const top = image[row0 + x0]! + (image[row0 + x1]! - image[row0 + x0]!) * dx;
  let bottom = top;
  if (y + 1 >= 0 && y + 1 < size) {
    const row1 = (y + 1) * size;
    bottom = image[row1 + x0]! + (image[row1 + x1]! - image[row1 + x0]!) * dx;
  }
  return Math.trunc(top + (bottom - top) * dy);
}

/**
 * Rotates a square grey image by `degrees` counter-clockwise about its centre, with nearest neighbour sampling and
 * `fill` outside, exactly as Pillow's Image.rotate(angle, NEAREST) does it when torchvision calls it: the angle
 * taken modulo 360 as Python takes it, the matrix rounded to 15 decimals (so that multiples of 90° are exact), and
 * the sampling positions stepped in 16.16 fixed point. Plain floating point picks another pixel near the edge of
 * a pixel in some images (the data README says how often), hence the emulation.
 */
export function rotateImage(image: Uint8Array, degrees: number, size = IMAGE_SIZE, fill = 0): Uint8Array {
  // Larger images are refused rather than risk Pillow's floating-point path, which is not emulated here.
  if (size > MAX_FIXED_POINT_SIZE) throw new RangeError(`rotateImage: size ${size} is above ${MAX_FIXED_POINT_SIZE}`);
  const radians = -(pythonModulo(degrees, 360) * (Math.PI / 180));
  const round15 = (v: number) => Number(v.toFixed(15));
  const cos = round15(Math.cos(radians));
  const sin = round15(Math.sin(radians));
  const centre = size / 2;
  // The affine map output → input, [a, b, c; d, e, f], about the centre.
  const [a, b, d, e] = [cos, sin, -sin, cos];
  const c = a * -centre + b * -centre + centre;
  const f = d * -centre + e * -centre + centre;
  const fix = (v: number) => Math.floor(v * 65536 + 0.5);
  const [a0, a1, a3, a4] = [fix(a), fix(b), fix(d), fix(e)];
  // Sampling at pixel centres: the position of output pixel (0, 0) is the map of (0.5, 0.5).
  let rowX = fix(c + a * 0.5 + b * 0.5);
  let rowY = fix(f + d * 0.5 + e * 0.5);
  const out = new Uint8Array(size * size).fill(fill);
  for (let y = 0; y < size; y++) {
    let xx = rowX;
    let yy = rowY;
    for (let x = 0; x < size; x++) {
      const xin = xx >> 16;
      const yin = yy >> 16;
      if (xin >= 0 && xin < size && yin >= 0 && yin < size) out[y * size + x] = image[yin * size + xin]!;
      xx += a0;
      yy += a3;
    }
    rowX += a1;
    rowY += a4;
  }
  return out;
}

/**
 * The largest image rotated here. Pillow stays in 16.16 fixed point while every corner maps below 32768, which holds
 * at any angle up to about 27,000 px; 16,384 keeps well inside that.
 */
const MAX_FIXED_POINT_SIZE = 16384;

/** x mod m with the sign of m, as Python's % computes it on floats. */
function pythonModulo(x: number, m: number): number {
  const r = x % m;
  return r !== 0 && r < 0 !== m < 0 ? r + m : r;
}

/** Draws RandomPerspective's corner displacements (torchvision's get_params), as [startpoints, endpoints]. */
export function randomPerspectivePoints(rng: Rng, distortionScale = 0.5, size = IMAGE_SIZE): [Point[], Point[]] {
  const half = Math.floor(size / 2);
  const reach = Math.floor(distortionScale * half);
  const near = () => rng.int(0, reach + 1);
  const far = () => rng.int(size - reach - 1, size);
  // torchvision draws x then y for each corner, in this corner order.
  const topLeft: Point = [near(), near()];
  const topRight: Point = [far(), near()];
  const bottomRight: Point = [far(), far()];
  const bottomLeft: Point = [near(), far()];
  const startpoints: Point[] = [
    [0, 0],
    [size - 1, 0],
    [size - 1, size - 1],
    [0, size - 1],
  ];
  return [startpoints, [topLeft, topRight, bottomRight, bottomLeft]];
}

/** Applies the reference augmentation to one upright 28×28 image (a new array; the input is untouched). */
export function augmentImage(image: Uint8Array, rng: Rng, options: AugmentOptions = {}): Uint8Array {
  const { distortionScale = 0.5, perspectiveProbability = 0.5, rotationDegrees = 10 } = options;
  let out = image;
  if (rng.next() < perspectiveProbability) {
    const [startpoints, endpoints] = randomPerspectivePoints(rng, distortionScale);
    out = warpPerspective(out, perspectiveCoefficients(startpoints, endpoints));
  }
  return rotateImage(out, rng.uniform(-rotationDegrees, rotationDegrees));
}
