import { IMAGE_SIZE } from '@mixent/data';

/*
 * A drawing made into what the models were trained on, following EMNIST's conversion of NIST's 128×128 scans
 * (Cohen et al. 2017, section II-A): a Gaussian blur of σ = 1 scan pixel, the bounding box of the ink, centred in
 * a square that keeps its aspect ratio, a resampling to 28×28 and the intensities stretched to 0..255. The
 * paper's "2 pixel border" is taken from the sample instead (INK_SIDE): NIST's scans carry a soft halo that a
 * drawing lacks, so a drawing framed by the paper's rule comes out larger than the letters the models learnt.
 * EMNIST resamples bicubically; this averages 4×4 bilinear samples per pixel, which never rings. The images stay
 * upright, as @mixent/data's are.
 */

/** Side of the square NIST scans that EMNIST converts: a drawing of side S is treated as that scan scaled by S/128. */
const SCAN_SIZE = 128;
/** Ink below this fraction of the darkest pixel is outside the bounding box. */
const INK_THRESHOLD = 0.5;
/** The side of that bounding box in the 28×28 image: the median of the embedded sample's test images. */
const INK_SIDE = 22;
/** Bilinear samples per output pixel, along each axis. */
const SAMPLES = 4;

/** A grey image, row-major, one float per pixel (ink 0..1). */
export interface InkImage {
  width: number;
  height: number;
  ink: Float32Array;
}

/** The ink of an RGBA canvas (its alpha channel: strokes are drawn opaque on a transparent canvas). */
export function inkOfRgba(rgba: Uint8ClampedArray, width: number, height: number): InkImage {
  const ink = new Float32Array(width * height);
  for (let i = 0; i < ink.length; i++) ink[i] = (rgba[4 * i + 3] as number) / 255;
  return { width, height, ink };
}

/** A separable Gaussian blur of standard deviation `sigma` pixels (zero outside the image). */
export function gaussianBlur({ width, height, ink }: InkImage, sigma: number): InkImage {
  const radius = Math.ceil(3 * sigma);
  const weights = Array.from({ length: 2 * radius + 1 }, (_, k) => Math.exp(-((k - radius) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((a, b) => a + b, 0);
  const kernel = weights.map((w) => w / total);
  const pass = (source: Float32Array, dx: number, dy: number) => {
    const out = new Float32Array(source.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let k = -radius; k <= radius; k++) {
          const sx = x + k * dx;
          const sy = y + k * dy;
          if (sx >= 0 && sx < width && sy >= 0 && sy < height) sum += (kernel[k + radius] as number) * (source[sy * width + sx] as number);
        }
        out[y * width + x] = sum;
      }
    }
    return out;
  };
  return { width, height, ink: pass(pass(ink, 1, 0), 0, 1) };
}

/** The ink at a real position, bilinearly interpolated between pixel centres (zero outside the image). */
function sampleAt({ width, height, ink }: InkImage, x: number, y: number): number {
  const x0 = Math.floor(x - 0.5);
  const y0 = Math.floor(y - 0.5);
  const fx = x - 0.5 - x0;
  const fy = y - 0.5 - y0;
  const at = (px: number, py: number) => (px >= 0 && px < width && py >= 0 && py < height ? (ink[py * width + px] as number) : 0);
  return (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
}

/**
 * The 28×28 image (uint8, upright, row-major) of a drawing, converted as EMNIST converted NIST's scans; undefined
 * when there is no ink.
 */
export function emnistPixels(drawing: InkImage): Uint8Array | undefined {
  const scale = Math.max(drawing.width, drawing.height) / SCAN_SIZE;
  const blurred = gaussianBlur(drawing, scale);
  const peak = blurred.ink.reduce((a, b) => Math.max(a, b), 0);
  if (peak <= 0) return undefined;
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let y = 0; y < blurred.height; y++) {
    for (let x = 0; x < blurred.width; x++) {
      if ((blurred.ink[y * blurred.width + x] as number) <= INK_THRESHOLD * peak) continue;
      left = Math.min(left, x);
      right = Math.max(right, x + 1);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y + 1);
    }
  }
  const side = (Math.max(right - left, bottom - top) * IMAGE_SIZE) / INK_SIDE;
  const originX = (left + right - side) / 2;
  const originY = (top + bottom - side) / 2;
  const step = side / IMAGE_SIZE;
  const values = new Float32Array(IMAGE_SIZE * IMAGE_SIZE);
  for (let row = 0; row < IMAGE_SIZE; row++) {
    for (let col = 0; col < IMAGE_SIZE; col++) {
      let sum = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          sum += sampleAt(blurred, originX + (col + (sx + 0.5) / SAMPLES) * step, originY + (row + (sy + 0.5) / SAMPLES) * step);
        }
      }
      values[row * IMAGE_SIZE + col] = sum / (SAMPLES * SAMPLES);
    }
  }
  const max = values.reduce((a, b) => Math.max(a, b), 0);
  return Uint8Array.from(values, (v) => Math.round((255 * v) / max));
}
