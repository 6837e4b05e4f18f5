import { createWriteStream } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NcFileSpec, NcRecordChunk } from './file-spec.js';
import { NetcdfEncoder, type NetcdfEncoderOptions } from './netcdf-encoder.js';

export type RecordSource = Iterable<NcRecordChunk> | AsyncIterable<NcRecordChunk>;

/**
 * The file as a stream of byte chunks: header and fixed data first, then one
 * piece per record chunk. Throws (mid-stream) on a record count mismatch.
 */
export async function* encodeNetcdf(
  spec: NcFileSpec,
  options: NetcdfEncoderOptions,
  records: RecordSource = [],
): AsyncGenerator<Uint8Array, void, undefined> {
  const encoder = new NetcdfEncoder(spec, options);
  yield encoder.header();
  for await (const chunk of records) {
    yield encoder.records(chunk);
  }
  encoder.finish();
}

/**
 * Writes the file to a Node Writable with backpressure (an HTTP response, a
 * file stream). Resolves with the byte and record counts once flushed.
 * By default the sink is ended afterwards; pass `end: false` to keep it open.
 */
export async function writeNetcdf(
  sink: Writable,
  spec: NcFileSpec,
  options: NetcdfEncoderOptions & { readonly end?: boolean },
  records: RecordSource = [],
): Promise<{ bytes: number; records: number }> {
  let bytes = 0;
  const counted = (async function* () {
    for await (const piece of encodeNetcdf(spec, options, records)) {
      bytes += piece.length;
      yield piece;
    }
  })();
  await pipeline(Readable.from(counted, { objectMode: false }), sink, { end: options.end ?? true });
  return { bytes, records: options.numRecords ?? 0 };
}

/** Writes the file to disk; see writeNetcdf. */
export async function writeNetcdfFile(
  path: string,
  spec: NcFileSpec,
  options: NetcdfEncoderOptions,
  records: RecordSource = [],
): Promise<{ bytes: number; records: number }> {
  return writeNetcdf(createWriteStream(path), spec, options, records);
}
