/** A deck.gl colour [r, g, b(, a)] as CSS, for the legend swatches that match the map. */
export function rgb(c: readonly number[]): string {
  return `rgb(${c.slice(0, 3).join(',')})`;
}
