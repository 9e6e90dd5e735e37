/**
 * Reads a GGUF file's header before llama.cpp sees it. llama.cpp aborts the whole wasm
 * instance on some malformed files, so anything this reader can reject with a clear message
 * never reaches it: wrong magic, unsupported version, truncation, duplicate vocabulary.
 *
 * Format (GGUF v2/v3, little endian): magic "GGUF", u32 version, u64 tensor count, u64 metadata
 * count, metadata key/values, tensor infos, padding to `general.alignment`, tensor data.
 */

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as little-endian u32

export enum GgufType {
  UINT8 = 0,
  INT8 = 1,
  UINT16 = 2,
  INT16 = 3,
  UINT32 = 4,
  INT32 = 5,
  FLOAT32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
  UINT64 = 10,
  INT64 = 11,
  FLOAT64 = 12,
}

export type GgufValue = number | bigint | boolean | string | GgufValue[];

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  type: number;
  offset: number;
}

export interface GgufInfo {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  architecture: string | null;
  /** Bytes the file must have to hold all its tensors. */
  requiredBytes: number;
  name: string | null;
  contextLength: number | null;
  parameterCount: number;
}

export class GgufFormatError extends Error {
  override readonly name = 'GgufFormatError';
}

/** Bytes per element for the ggml types whose size we know; others only need a lower bound. */
const BLOCK_SIZES: Record<number, [blockBytes: number, blockElements: number]> = {
  0: [4, 1], // F32
  1: [2, 1], // F16
  2: [18, 32], // Q4_0
  3: [20, 32], // Q4_1
  6: [22, 32], // Q5_0
  7: [24, 32], // Q5_1
  8: [34, 32], // Q8_0
  10: [84, 256], // Q2_K
  11: [110, 256], // Q3_K
  12: [144, 256], // Q4_K
  13: [176, 256], // Q5_K
  14: [210, 256], // Q6_K
  15: [292, 256], // Q8_K
  30: [2, 1], // BF16
};

class Reader {
  offset = 0;
  constructor(private readonly view: DataView) {}

  private need(bytes: number): void {
    if (this.offset + bytes > this.view.byteLength) throw new RangeError('past end');
  }

  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }

  u64(): number {
    this.need(8);
    const value = this.view.getBigUint64(this.offset, true);
    this.offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GgufFormatError('A size in the file header is impossibly large.');
    return Number(value);
  }

  string(): string {
    const length = this.u64();
    this.need(length);
    const bytes = new Uint8Array(this.view.buffer, this.view.byteOffset + this.offset, length);
    this.offset += length;
    return new TextDecoder().decode(bytes);
  }

  value(type: number, depth = 0): GgufValue {
    switch (type) {
      case GgufType.UINT8:
        this.need(1);
        return this.view.getUint8(this.offset++);
      case GgufType.INT8:
        this.need(1);
        return this.view.getInt8(this.offset++);
      case GgufType.UINT16:
        this.need(2);
        this.offset += 2;
        return this.view.getUint16(this.offset - 2, true);
      case GgufType.INT16:
        this.need(2);
        this.offset += 2;
        return this.view.getInt16(this.offset - 2, true);
      case GgufType.UINT32:
        return this.u32();
      case GgufType.INT32:
        this.need(4);
        this.offset += 4;
        return this.view.getInt32(this.offset - 4, true);
      case GgufType.FLOAT32:
        this.need(4);
        this.offset += 4;
        return this.view.getFloat32(this.offset - 4, true);
      case GgufType.BOOL:
        this.need(1);
        return this.view.getUint8(this.offset++) !== 0;
      case GgufType.STRING:
        return this.string();
      case GgufType.UINT64:
        this.need(8);
        this.offset += 8;
        return this.view.getBigUint64(this.offset - 8, true);
      case GgufType.INT64:
        this.need(8);
        this.offset += 8;
        return this.view.getBigInt64(this.offset - 8, true);
      case GgufType.FLOAT64:
        this.need(8);
        this.offset += 8;
        return this.view.getFloat64(this.offset - 8, true);
      case GgufType.ARRAY: {
        if (depth > 2) throw new GgufFormatError('The file header nests arrays too deeply.');
        const elementType = this.u32();
        const count = this.u64();
        // Each element takes at least one byte: a count beyond the file is a corrupt header.
        this.need(count);
        const values: GgufValue[] = new Array(count);
        for (let i = 0; i < count; i++) values[i] = this.value(elementType, depth + 1);
        return values;
      }
      default:
        throw new GgufFormatError(`The file header has an unknown value type (${type}).`);
    }
  }
}

/**
 * Parses the header held in `bytes` (the start of the file) and checks it against the full
 * `fileSize`. Throws `RangeError` when `bytes` is too short to hold the header (read more),
 * and `GgufFormatError` for a file that is not valid GGUF.
 */
export function parseGgufHeader(bytes: Uint8Array, fileSize: number): GgufInfo {
  const reader = new Reader(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (bytes.byteLength < 4 || reader.u32() !== GGUF_MAGIC) {
    throw new GgufFormatError('This is not a GGUF model file (it does not start with "GGUF").');
  }
  const version = reader.u32();
  if (version < 2 || version > 3) throw new GgufFormatError(`GGUF version ${version} is not supported (only 2 and 3).`);
  const tensorCount = reader.u64();
  const metadataCount = reader.u64();
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < metadataCount; i++) {
    const key = reader.string();
    metadata.set(key, reader.value(reader.u32()));
  }
  const tensors: GgufTensorInfo[] = [];
  for (let i = 0; i < tensorCount; i++) {
    const name = reader.string();
    const dimCount = reader.u32();
    if (dimCount > 4) throw new GgufFormatError(`Tensor ${name} has ${dimCount} dimensions; GGUF allows at most 4.`);
    const dims = Array.from({ length: dimCount }, () => reader.u64());
    tensors.push({ name, dims, type: reader.u32(), offset: reader.u64() });
  }
  const alignment = numberOf(metadata.get('general.alignment')) ?? 32;
  const dataStart = Math.ceil(reader.offset / alignment) * alignment;
  let parameterCount = 0;
  let requiredBytes = dataStart;
  for (const tensor of tensors) {
    const elements = tensor.dims.reduce((product, dim) => product * dim, 1);
    parameterCount += elements;
    const [blockBytes, blockElements] = BLOCK_SIZES[tensor.type] ?? [1, 8];
    requiredBytes = Math.max(requiredBytes, dataStart + tensor.offset + Math.ceil(elements / blockElements) * blockBytes);
  }
  const architecture = stringOf(metadata.get('general.architecture'));
  const info: GgufInfo = {
    version,
    metadata,
    tensors,
    architecture,
    requiredBytes,
    name: stringOf(metadata.get('general.name')),
    contextLength: architecture ? numberOf(metadata.get(`${architecture}.context_length`)) : null,
    parameterCount,
  };
  checkGguf(info, fileSize);
  return info;
}

/** Problems llama.cpp would abort on, or misreport, found before it runs. */
function checkGguf(info: GgufInfo, fileSize: number): void {
  if (!info.architecture) throw new GgufFormatError('The file does not say which model architecture it holds (general.architecture).');
  if (info.tensors.length === 0) throw new GgufFormatError('The file holds no tensors: it is not a complete model.');
  if (info.requiredBytes > fileSize) {
    throw new GgufFormatError(
      `The file is truncated: its header needs ${info.requiredBytes.toLocaleString('en-US')} bytes, ` +
        `but it has ${fileSize.toLocaleString('en-US')}. Download it again.`,
    );
  }
  const tokens = info.metadata.get('tokenizer.ggml.tokens');
  if (Array.isArray(tokens)) {
    const seen = new Set<GgufValue>();
    for (const token of tokens) {
      if (seen.has(token)) throw new GgufFormatError(`The model's vocabulary lists the token ${JSON.stringify(token)} twice; the file is malformed.`);
      seen.add(token);
    }
  }
}

/** Real headers stay far below this (a 256k-token vocabulary takes about 10 MB). */
const MAX_HEADER_BYTES = 64 << 20;

/** Reads as much of `blob` as its header needs, growing the read until the header fits. */
export async function inspectGguf(blob: Blob): Promise<GgufInfo> {
  let length = Math.min(blob.size, 1 << 20);
  for (;;) {
    const bytes = new Uint8Array(await blob.slice(0, length).arrayBuffer());
    try {
      return parseGgufHeader(bytes, blob.size);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      if (length >= blob.size) throw new GgufFormatError('The file ends inside its header: it is truncated or not a GGUF model.');
      if (length >= MAX_HEADER_BYTES) throw new GgufFormatError('The file header is implausibly large: the file is corrupt.');
      // Big vocabularies make headers of several megabytes.
      length = Math.min(blob.size, MAX_HEADER_BYTES, length * 4);
    }
  }
}

function numberOf(value: GgufValue | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

function stringOf(value: GgufValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}
