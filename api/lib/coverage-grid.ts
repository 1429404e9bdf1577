/**
 * A regular lon/lat grid of roughly square cells over a bounding box, used to record which
 * places are reached (e.g. within a travel time) and to turn that set into polygons.
 */

import { M_PER_DEG_LAT, M_PER_DEG_LON as M_PER_DEG_LON_EQUATOR } from './geo.ts';

/** Refuse grids that would need more memory than a query should ever take. */
const MAX_CELLS = 100_000_000;

/** Bounding box in WGS84 degrees and the wanted cell size in metres. */
export interface GridSpec {
  west: number;
  south: number;
  east: number;
  north: number;
  cellM: number;
}

/** Which cells a polygon or area request is about. */
export interface CellSelection {
  /** Select the unmarked cells instead of the marked ones. */
  invert?: boolean;
  /** One byte per cell (index row * cols + col); cells whose byte is 0 are never selected. */
  mask?: Uint8Array;
}

/** GeoJSON MultiPolygon geometry (RFC 7946), coordinates in degrees [lon, lat]. */
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: number[][][][];
}

/**
 * Cells of `cellM` metres (approximately: the longitude step is fixed by the latitude of the
 * box's middle) covering the box. Column 0 is at the west edge and row 0 at the south edge;
 * the last column and row may reach slightly past east and north so that every cell has
 * the same size.
 */
export class CoverageGrid {
  /** Number of columns (west to east). */
  readonly cols: number;
  /** Number of rows (south to north). */
  readonly rows: number;
  /** Cell width in degrees of longitude. */
  readonly cellWidthDeg: number;
  /** Cell height in degrees of latitude. */
  readonly cellHeightDeg: number;
  private readonly west: number;
  private readonly south: number;
  private readonly marks: Uint8Array;
  /** Area in m² of one cell in each row: cells narrow towards the poles. */
  private readonly rowCellAreaM2: Float64Array;

  /**
   * @param spec box in degrees (west < east, south < north, within ±180/±90) and cell size in metres (> 0)
   * @throws RangeError when the box or cell size is invalid or the grid would exceed 100 million cells
   */
  constructor(spec: GridSpec) {
    const { west, south, east, north, cellM } = spec;
    if (![west, south, east, north, cellM].every(Number.isFinite))
      throw new RangeError('grid bounds and cell size must be finite numbers');
    if (west >= east || south >= north) throw new RangeError('grid needs west < east and south < north');
    if (west < -180 || east > 180 || south < -90 || north > 90)
      throw new RangeError('grid bounds must lie within -180..180 and -90..90');
    if (cellM <= 0) throw new RangeError(`cell size must be > 0 metres, got ${cellM}`);
    const midLat = (south + north) / 2;
    // Clamp the cosine so a box touching a pole still gets a finite cell width.
    const cosMid = Math.max(Math.cos((midLat * Math.PI) / 180), 1e-6);
    this.cellWidthDeg = cellM / (M_PER_DEG_LON_EQUATOR * cosMid);
    this.cellHeightDeg = cellM / M_PER_DEG_LAT;
    this.cols = Math.max(1, Math.ceil((east - west) / this.cellWidthDeg - 1e-9));
    this.rows = Math.max(1, Math.ceil((north - south) / this.cellHeightDeg - 1e-9));
    if (this.cols * this.rows > MAX_CELLS)
      throw new RangeError(`grid of ${this.cols} × ${this.rows} cells is too large; use a larger cell size`);
    this.west = west;
    this.south = south;
    this.marks = new Uint8Array(this.cols * this.rows);
    this.rowCellAreaM2 = new Float64Array(this.rows);
    for (let r = 0; r < this.rows; r++) {
      const lat = this.south + (r + 0.5) * this.cellHeightDeg;
      const widthM = this.cellWidthDeg * M_PER_DEG_LON_EQUATOR * Math.cos((lat * Math.PI) / 180);
      this.rowCellAreaM2[r] = Math.max(0, widthM) * cellM;
    }
  }

  /**
   * Marks every cell whose centre lies within radiusM metres (inclusive) of (lon, lat),
   * measuring distance on a local flat approximation at the disc's latitude. Only rows and
   * columns inside the disc's bounding box are visited. A negative or NaN radius marks nothing.
   * @param lon longitude in degrees
   * @param lat latitude in degrees
   * @param radiusM radius in metres
   */
  markDisc(lon: number, lat: number, radiusM: number): void {
    if (!(radiusM >= 0) || !Number.isFinite(lon) || !Number.isFinite(lat)) return;
    const mPerDegLon = M_PER_DEG_LON_EQUATOR * Math.max(Math.cos((lat * Math.PI) / 180), 1e-6);
    const r2 = radiusM * radiusM;
    const { cols, cellWidthDeg: cw, cellHeightDeg: ch } = this;
    // Cell centres sit at south + (row + 0.5) * ch, so these are the first and last rows
    // whose centre can be within reach.
    const dLat = radiusM / M_PER_DEG_LAT;
    const rowMin = Math.max(0, Math.ceil((lat - dLat - this.south) / ch - 0.5));
    const rowMax = Math.min(this.rows - 1, Math.floor((lat + dLat - this.south) / ch - 0.5));
    for (let row = rowMin; row <= rowMax; row++) {
      const dyM = (this.south + (row + 0.5) * ch - lat) * M_PER_DEG_LAT;
      const rest = r2 - dyM * dyM;
      if (rest < 0) continue;
      // Half the chord at this row's centre line; the row's reached cells are one contiguous run.
      const halfDeg = Math.sqrt(rest) / mPerDegLon;
      const c0 = Math.max(0, Math.ceil((lon - halfDeg - this.west) / cw - 0.5));
      const c1 = Math.min(cols - 1, Math.floor((lon + halfDeg - this.west) / cw - 0.5));
      if (c0 <= c1) this.marks.fill(1, row * cols + c0, row * cols + c1 + 1);
    }
  }

  /**
   * Marks every cell whose centre lies inside a polygon (GeoJSON Polygon/MultiPolygon
   * coordinates in degrees; holes respected by the even-odd rule), row by row along the
   * cells' centre lines: one pass over the edges per row, no per-cell test.
   */
  markPolygons(polygons: ReadonlyArray<ReadonlyArray<ReadonlyArray<ReadonlyArray<number>>>>): void {
    const { cols, cellWidthDeg: cw, cellHeightDeg: ch } = this;
    for (const rings of polygons) {
      let s = Infinity;
      let n = -Infinity;
      for (const ring of rings) {
        for (const p of ring) {
          s = Math.min(s, p[1]!);
          n = Math.max(n, p[1]!);
        }
      }
      const rowMin = Math.max(0, Math.ceil((s - this.south) / ch - 0.5));
      const rowMax = Math.min(this.rows - 1, Math.floor((n - this.south) / ch - 0.5));
      const xs: number[] = [];
      for (let row = rowMin; row <= rowMax; row++) {
        const y = this.south + (row + 0.5) * ch;
        xs.length = 0;
        for (const ring of rings) {
          for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            const [xi, yi] = [ring[i]![0]!, ring[i]![1]!];
            const [xj, yj] = [ring[j]![0]!, ring[j]![1]!];
            // half-open rule: a vertex on the line counts once
            if (yi > y !== yj > y) xs.push(xi + ((y - yi) / (yj - yi)) * (xj - xi));
          }
        }
        xs.sort((a, b) => a - b);
        for (let k = 0; k + 1 < xs.length; k += 2) {
          const c0 = Math.max(0, Math.ceil((xs[k]! - this.west) / cw - 0.5));
          const c1 = Math.min(cols - 1, Math.floor((xs[k + 1]! - this.west) / cw - 0.5));
          if (c0 <= c1) this.marks.fill(1, row * cols + c0, row * cols + c1 + 1);
        }
      }
    }
  }

  /** A copy of the marks, one byte per cell (row * cols + col), to use as a mask. */
  snapshot(): Uint8Array {
    return this.marks.slice();
  }

  /** Whether a cell is marked; false for a cell outside the grid. */
  isMarked(col: number, row: number): boolean {
    if (!this.inside(col, row)) return false;
    return this.marks[row * this.cols + col] === 1;
  }

  /** Unmarks every cell. */
  clear(): void {
    this.marks.fill(0);
  }

  /**
   * Removes speckles from a selection by changing the marks: patches of fewer than `minCells`
   * selected cells are deselected, and holes of fewer than `minCells` unselected cells are
   * selected, unless they touch the grid's edge or leave the mask (then they are no holes).
   * Cells are neighbours across an edge, not across a corner, as in the polygons drawn.
   * @param options the selection, as for {@link CoverageGrid.toMultiPolygon}
   * @throws RangeError when `mask` does not have one byte per cell
   */
  despeckle(minCells: number, options: CellSelection = {}): void {
    const selected = this.selector(options);
    const { cols, rows, marks } = this;
    const mask = options.mask;
    const markOf = (select: boolean) => (select === !options.invert ? 1 : 0);
    const seen = new Uint8Array(cols * rows);
    const stack = new Int32Array(cols * rows);
    const patch: number[] = [];
    for (let start = 0; start < seen.length; start++) {
      if (seen[start]) continue;
      const want = selected(start);
      // flood the 4-connected patch of cells with the same selection as `start`
      let top = 0;
      stack[top++] = start;
      seen[start] = 1;
      patch.length = 0;
      let open = false;
      while (top > 0) {
        const k = stack[--top]!;
        patch.push(k);
        const col = k % cols;
        const row = (k - col) / cols;
        if (col === 0 || row === 0 || col === cols - 1 || row === rows - 1) open = true;
        if (mask !== undefined && mask[k] === 0) open = true;
        const next = [col > 0 ? k - 1 : -1, col < cols - 1 ? k + 1 : -1, row > 0 ? k - cols : -1];
        next.push(row < rows - 1 ? k + cols : -1);
        for (const j of next) {
          if (j < 0 || seen[j] || selected(j) !== want) continue;
          seen[j] = 1;
          stack[top++] = j;
        }
      }
      if (patch.length >= minCells) continue;
      if (want) for (const k of patch) marks[k] = markOf(false);
      else if (!open) for (const k of patch) marks[k] = markOf(true);
    }
  }

  /**
   * The selected cells as a GeoJSON MultiPolygon in degrees: each horizontal run of selected
   * cells in a row becomes one rectangle, with a closed, counter-clockwise ring (RFC 7946).
   * Rectangles of neighbouring rows share edges rather than being dissolved. Returns an
   * empty MultiPolygon (no coordinates) when no cell is selected.
   * @param options by default the marked cells; with `invert`, the unmarked ones; `mask` restricts either
   * @throws RangeError when `mask` does not have one byte per cell
   */
  toMultiPolygon(options: CellSelection = {}): MultiPolygonGeometry {
    const selected = this.selector(options);
    const coordinates: number[][][][] = [];
    const { cols, cellWidthDeg: cw, cellHeightDeg: ch } = this;
    for (let row = 0; row < this.rows; row++) {
      // Edges are computed from indices (not by accumulation) so that shared edges of
      // neighbouring rectangles have identical coordinates.
      const y0 = this.south + row * ch;
      const y1 = this.south + (row + 1) * ch;
      let col = 0;
      while (col < cols) {
        if (!selected(row * cols + col)) {
          col++;
          continue;
        }
        const start = col;
        while (col < cols && selected(row * cols + col)) col++;
        const x0 = this.west + start * cw;
        const x1 = this.west + col * cw;
        coordinates.push([
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ]);
      }
    }
    return { type: 'MultiPolygon', coordinates };
  }

  /**
   * Index (row * cols + col) of the cell containing a point in degrees, or -1 when the point
   * is outside the grid or not a number. Points on an inner cell edge belong to the cell to
   * their east / north.
   */
  cellOf(lon: number, lat: number): number {
    const col = Math.floor((lon - this.west) / this.cellWidthDeg);
    const row = Math.floor((lat - this.south) / this.cellHeightDeg);
    return this.inside(col, row) ? row * this.cols + col : -1;
  }

  /** Centre [lon, lat] in degrees of a cell (not checked against the grid's extent). */
  centre(col: number, row: number): [number, number] {
    return [this.west + (col + 0.5) * this.cellWidthDeg, this.south + (row + 0.5) * this.cellHeightDeg];
  }

  /**
   * Total area in square metres of the selected cells, each cell's width taken at its row's
   * latitude; 0 when none is selected.
   * @param options as for {@link CoverageGrid.toMultiPolygon}
   * @throws RangeError when `mask` does not have one byte per cell
   */
  areaM2(options: CellSelection = {}): number {
    const selected = this.selector(options);
    let total = 0;
    for (let row = 0; row < this.rows; row++) {
      let count = 0;
      for (let k = row * this.cols, end = k + this.cols; k < end; k++) if (selected(k)) count++;
      total += count * (this.rowCellAreaM2[row] as number);
    }
    return total;
  }

  private inside(col: number, row: number): boolean {
    return (
      Number.isInteger(col) &&
      Number.isInteger(row) &&
      col >= 0 &&
      col < this.cols &&
      row >= 0 &&
      row < this.rows
    );
  }

  private selector({ invert = false, mask }: CellSelection): (k: number) => boolean {
    if (mask !== undefined && mask.length !== this.marks.length)
      throw new RangeError(`mask has ${mask.length} bytes, the grid has ${this.marks.length} cells`);
    const marks = this.marks;
    const want = invert ? 0 : 1;
    if (mask === undefined) return (k) => marks[k] === want;
    return (k) => marks[k] === want && mask[k] !== 0;
  }
}
