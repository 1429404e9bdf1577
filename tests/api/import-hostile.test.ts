import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { constants, deflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp, type Client, type TestApp } from './template.ts';

/*
 * Hostile uploads, generated at test time: zip bombs (a Shapefile's .shp, its .prj), a KMZ bomb
 * of one giant placemark, a plain KML placemark over the element limit, archives inside archives,
 * and a CSV of one 200 MB line. Each must be refused with 422 naming the limit, quickly, while the
 * server's memory stays bounded and /api/health keeps answering.
 */

const MiB = 1024 * 1024;
/** Bounds of the measurements (see expectRefused). */
const HEALTH_P95_MS = Number(process.env.RISKMAP_TEST_HEALTH_P95_MS ?? 100);
const LOOP_MAX_MS = Number(process.env.RISKMAP_TEST_LOOP_MAX_MS ?? 50);

/**
 * Raw deflate data of `total` bytes of `byte`, built from one compressed 16 MiB block repeated:
 * blocks ended with a full flush are byte-aligned and refer to nothing before them, so copies
 * of them concatenate into one valid stream (closed by an empty final block).
 */
function repeatedDeflate(total: number, byte: number, prefix = '', suffix = ''): Buffer {
  const unit = 16 * MiB;
  const flush = { finishFlush: constants.Z_FULL_FLUSH, level: 9 };
  const block = deflateRawSync(Buffer.alloc(unit, byte), flush);
  const parts = [deflateRawSync(Buffer.from(prefix), flush)];
  for (let done = 0; done < total; done += unit) parts.push(block);
  parts.push(deflateRawSync(Buffer.from(suffix)));
  return Buffer.concat(parts);
}

interface Entry {
  name: string;
  /** The stored bytes (deflated when method 8). */
  data: Buffer;
  method: 0 | 8;
  /** The uncompressed size the archive declares (true or forged). */
  size: number;
}

/** A zip archive with the given entries and declared sizes (no CRC: the readers refuse before it matters). */
function zipOf(entries: Entry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(e.method, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.size, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(e.method, 10);
    c.writeUInt32LE(e.data.length, 20);
    c.writeUInt32LE(e.size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    parts.push(local, name, e.data);
    central.push(c, name);
    offset += 30 + name.length + e.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/** A valid one-point Shapefile's .shp header and .dbf, to put beside a bomb. */
function smallDbf(): Buffer {
  const b = Buffer.alloc(32 + 32 + 1 + 11 + 1, 0x20);
  b.fill(0, 0, 65);
  b.writeUInt8(3, 0);
  b.writeUInt32LE(1, 4);
  b.writeUInt16LE(65, 8);
  b.writeUInt16LE(11, 10);
  b.write('NAME', 32, 'latin1');
  b.write('C', 43, 'latin1');
  b.writeUInt8(10, 48);
  b.writeUInt8(0x0d, 64);
  b.write(' x', 65, 'latin1');
  return b;
}

describe('hostile import files', () => {
  let t: TestApp;
  let admin: Client;
  let base: string;
  let dir: string;
  let importsDir: string;
  /** The files in the imports folder before the tests (the copied template's). */
  let before: string[];
  /** Health answer times (ms) and RSS samples, collected while a hostile upload is handled. */
  const report: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'riskmap-hostile-'));
    // a data folder of its own: on PostgreSQL the test files share one, and their uploads
    t = await openTestApp({ dataDir: path.join(dir, 'data') });
    admin = await t.as('admin');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const address = t.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    importsDir = path.join(t.app.config.dataDir, 'imports');
    before = await readdir(importsDir);
  });
  afterAll(async () => {
    console.log(report.join('\n'));
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Uploads `file` over HTTP (streamed from disk), polling /api/health meanwhile and sampling
   * the process's memory; returns the answer with the measurements.
   */
  async function hostileUpload(label: string, layer: string, filename: string, file: string) {
    // a first answer opens the connection and warms the route: not what is measured
    await (await fetch(`${base}/api/health`)).arrayBuffer();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const health: number[] = [];
    let polling = true;
    const pollStart = performance.now();
    const poller = (async () => {
      // at least a second of answers, so that one slow answer is not the 95th percentile
      while (polling || performance.now() - pollStart < 1000) {
        const t0 = performance.now();
        const res = await fetch(`${base}/api/health`);
        await res.arrayBuffer();
        health.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = performance.now();
    const size = (await stat(file)).size;
    // the upload is sent by curl, in its own process, so that only the server works in this one
    const curl = spawn('curl', [
      '-sS',
      '-X',
      'POST',
      '-H',
      'content-type: application/octet-stream',
      '-H',
      `cookie: ${admin.cookie}`,
      '-H',
      `x-csrf-token: ${admin.csrfToken}`,
      '--data-binary',
      `@${file}`,
      '-w',
      '\n%{http_code}',
      `${base}/api/imports?layer=${layer}&filename=${encodeURIComponent(filename)}`,
    ]);
    let output = '';
    curl.stdout.on('data', (d: Buffer) => (output += d.toString()));
    await once(curl, 'close');
    const cut = output.lastIndexOf('\n');
    const res = { status: Number(output.slice(cut + 1)) };
    const body = JSON.parse(output.slice(0, cut)) as {
      message: string;
      code?: string;
      params?: Record<string, unknown>;
    };
    const ms = performance.now() - started;
    loop.disable();
    clearInterval(sampler);
    polling = false;
    await poller;
    health.sort((a, b) => a - b);
    const p95 = health[Math.min(health.length - 1, Math.floor(health.length * 0.95))] ?? 0;
    const grown = (peak - baseline) / MiB;
    const line = `${label}: ${res.status} in ${Math.round(ms)} ms (upload ${(size / MiB).toFixed(1)} MiB); health p95 ${p95.toFixed(1)} ms over ${health.length}; event loop max ${(loop.max / 1e6).toFixed(0)} ms; RSS +${grown.toFixed(0)} MiB`;
    report.push(line);
    return { status: res.status, body, ms, p95, grown, loopMaxMs: loop.max / 1e6 };
  }

  const write = async (name: string, data: Buffer) => {
    const file = path.join(dir, name);
    await writeFile(file, data);
    return file;
  };

  const expectRefused = (
    r: Awaited<ReturnType<typeof hostileUpload>>,
    reason: string,
    message: RegExp,
    withinMs = 2000,
    /** How much slower than HEALTH_P95_MS / LOOP_MAX_MS this case may be (a 200 MB upload arriving). */
    slack = 1,
  ) => {
    expect(r.status, r.body.message).toBe(422);
    expect(r.body.code, r.body.message).toBe(reason);
    expect(r.body.message).toMatch(message);
    // Timings are printed, not asserted (tests never assert timings: a busy machine is not a
    // bug); RISKMAP_TEST_TIMING=1 holds a quiet machine to the targets (answer within 2 s,
    // health p95 and the longest event-loop step within the bounds above).
    if (process.env.RISKMAP_TEST_TIMING === '1') {
      expect(r.ms).toBeLessThan(withinMs);
      expect(r.p95).toBeLessThanOrEqual(HEALTH_P95_MS * slack);
      expect(r.loopMaxMs).toBeLessThanOrEqual(LOOP_MAX_MS * slack);
    }
    expect(r.grown).toBeLessThan(300);
  };

  it('a zipped Shapefile whose .shp expands to 1 GiB: refused by the compression ratio', async () => {
    const shp = repeatedDeflate(1024 * MiB, 0);
    const file = await write(
      'bomb-shp.zip',
      zipOf([
        { name: 'a.shp', data: shp, method: 8, size: 1024 * MiB },
        { name: 'a.dbf', data: smallDbf(), method: 0, size: smallDbf().length },
      ]),
    );
    expectRefused(
      await hostileUpload('.shp bomb', 'sites', 'a.zip', file),
      'import_compression_ratio',
      /a\.shp .*zip bomb/,
    );
  });

  it('a .prj that expands to 1 GiB, honestly or under a forged size: refused as a side file', async () => {
    const prj = repeatedDeflate(1024 * MiB, 0x20);
    const honest = await write(
      'bomb-prj.zip',
      zipOf([
        { name: 'a.shp', data: Buffer.alloc(100), method: 0, size: 100 },
        { name: 'a.dbf', data: smallDbf(), method: 0, size: smallDbf().length },
        { name: 'a.prj', data: prj, method: 8, size: 1024 * MiB },
      ]),
    );
    expectRefused(
      await hostileUpload('.prj bomb', 'sites', 'a.zip', honest),
      'import_side_file_too_large',
      /a\.prj .*at most 65536/,
    );
    // the archive says 200 bytes: reading stops there
    const forged = await write(
      'forged-prj.zip',
      zipOf([
        { name: 'a.shp', data: Buffer.alloc(100), method: 0, size: 100 },
        { name: 'a.dbf', data: smallDbf(), method: 0, size: smallDbf().length },
        { name: 'a.prj', data: prj, method: 8, size: 200 },
      ]),
    );
    expectRefused(
      await hostileUpload('.prj forged size', 'sites', 'a.zip', forged),
      'import_file_unreadable',
      /too many bytes in the stream/,
    );
  });

  it('a KMZ of one placemark that expands to 1 GiB, and a KML placemark of 20 MB', async () => {
    const kml = repeatedDeflate(
      1024 * MiB,
      0x41,
      '<kml><Document><Placemark><description>',
      '</description></Placemark></Document></kml>',
    );
    const file = await write(
      'bomb.kmz',
      zipOf([{ name: 'doc.kml', data: kml, method: 8, size: 1024 * MiB + 100 }]),
    );
    expectRefused(
      await hostileUpload('KMZ bomb', 'sites', 'bomb.kmz', file),
      'import_compression_ratio',
      /doc\.kml/,
    );
    // within the ratio (a KMZ of random-ish text), or not zipped at all: the placemark limit
    const big = `<kml><Document><Placemark><name>x</name><description>${'x'.repeat(20 * MiB)}</description></Placemark></Document></kml>`;
    const plain = await write('big.kml', Buffer.from(big));
    expectRefused(
      await hostileUpload('KML 20 MB placemark', 'sites', 'big.kml', plain),
      'import_element_too_large',
      /longer than 16777216 bytes/,
      5000,
    );
  });

  it('archives inside archives are not opened', async () => {
    const inner = zipOf([{ name: 'a.shp', data: Buffer.alloc(100), method: 0, size: 100 }]);
    const outer = await write(
      'nested.zip',
      zipOf([{ name: 'inner.zip', data: inner, method: 0, size: inner.length }]),
    );
    expectRefused(
      await hostileUpload('nested zip', 'sites', 'nested.zip', outer),
      'import_nested_archive',
      /inner\.zip/,
    );
    const kmz = await write(
      'nested.kmz',
      zipOf([{ name: 'layers.kmz', data: inner, method: 0, size: inner.length }]),
    );
    expectRefused(
      await hostileUpload('nested kmz', 'sites', 'nested.kmz', kmz),
      'import_nested_archive',
      /layers\.kmz/,
    );
  });

  it('a CSV of one 200 MB line: refused after 16 MB of it', async () => {
    const file = path.join(dir, 'line.csv');
    const out = createWriteStream(file);
    out.write('name,kind,lon,lat\n甲,');
    const chunk = Buffer.alloc(4 * MiB, 0x78);
    for (let i = 0; i < 50; i++) if (!out.write(chunk)) await once(out, 'drain');
    out.end(',114,23\n');
    await once(out, 'close');
    // the upload itself (200 MB over loopback) takes most of the time
    expectRefused(
      await hostileUpload('CSV 200 MB line', 'sites', 'line.csv', file),
      'import_line_too_long',
      /line 2 is longer than 16777216 characters/,
      20_000,
      4,
    );
  });

  it('leaves no file behind', async () => {
    expect((await readdir(importsDir)).filter((name) => !before.includes(name))).toEqual([]);
  });
});
