/**
 * Bounded-memory CSV file writer: rows are buffered and flushed with synchronous writes
 * every ~1 MB, so million-row files never exist as one string.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { csvRow, type CsvValue } from './format.ts';

/** Writes one CSV file (header line first, LF line ends). */
export class CsvWriter {
  private readonly fd: number;
  private buf: string[] = [];
  private bufLen = 0;
  /** Data rows written so far (header excluded). */
  rows = 0;
  /**
   * @param path output file (truncated)
   * @param header column names, written as the first line
   */
  constructor(
    readonly path: string,
    readonly header: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    this.push(header.join(',') + '\n');
  }
  /** Append one data row; it must have exactly header.length values. */
  write(values: readonly CsvValue[]): void {
    if (values.length !== this.header.length) {
      throw new Error(`${this.path}: row has ${values.length} values, header has ${this.header.length}`);
    }
    this.push(csvRow(values));
    this.rows++;
  }
  private push(s: string): void {
    this.buf.push(s);
    this.bufLen += s.length;
    if (this.bufLen > 1 << 20) this.flush();
  }
  private flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.bufLen = 0;
  }
  /** Flush and close the file. */
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
