/**
 * A pipeline stage that passes chunks through until more than `max` bytes have gone by, then
 * fails with `tooLarge()` (so the pipeline stops and its destination can be removed). For
 * bodies read as streams, where the server's own body limit does not apply.
 */
export function byteLimit(
  max: number,
  tooLarge: () => Error,
): (chunks: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
  return async function* (chunks) {
    let received = 0;
    for await (const chunk of chunks) {
      received += chunk.length;
      if (received > max) throw tooLarge();
      yield chunk;
    }
  };
}
