/** An element with attributes and children: the small helper every view builds its markup with. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children);
  return element;
}

/** Resolves after the browser has painted: long loops await it so that the page stays responsive. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

/** A fraction with 4 decimals, as the views show probabilities and entropies. */
export function fixed4(value: number): string {
  return value.toFixed(4);
}

/** A fraction as a percentage with 2 decimals. */
export function percent(fraction: number): string {
  return `${(100 * fraction).toFixed(2)}%`;
}

/** Paints a 28×28 uint8 image (ink 255 on 0, as EMNIST stores it) onto a canvas of that size. */
export function paintImage(canvas: HTMLCanvasElement, pixels: Uint8Array): void {
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = context.createImageData(canvas.width, canvas.height);
  pixels.forEach((value, i) => {
    image.data.set([value, value, value, 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
}
