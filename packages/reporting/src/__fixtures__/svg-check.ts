/** Checks that an SVG string is well-formed XML as far as tags go; returns the text contents. */
export function checkSvg(svg: string): string[] {
  if (!svg.startsWith('<svg')) throw new Error(`SVG starts with ${JSON.stringify(svg.slice(0, 20))}`);
  const stack: string[] = [];
  const texts: string[] = [];
  let last = 0;
  for (const match of svg.matchAll(/<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const between = svg.slice(last, match.index);
    if (between.includes('<') || between.includes('>')) throw new Error(`stray markup before offset ${match.index}: ${between.slice(0, 40)}`);
    if (between.trim() !== '') texts.push(between);
    last = match.index + match[0].length;
    const [, closing, name = '', , selfClosing] = match;
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${String(open)}> at offset ${match.index}`);
    } else if (!selfClosing) {
      stack.push(name);
    }
  }
  if (svg.slice(last).trim() !== '') throw new Error('text after the last tag');
  if (stack.length > 0) throw new Error(`unclosed tags: ${stack.join(', ')}`);
  return texts;
}
