const PART_BYTES = 8 * 1024 * 1024;
const enc = new TextEncoder();

/**
 * Writes newline-delimited text to R2 without holding the whole object: small outputs are one put,
 * larger ones become a multipart upload in 8 MiB parts.
 */
export class R2LineWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private upload: R2MultipartUpload | null = null;
  private parts: R2UploadedPart[] = [];

  constructor(private readonly bucket: R2Bucket, private readonly key: string, private readonly options: R2PutOptions & R2MultipartOptions) {}

  async write(line: string): Promise<void> {
    const bytes = enc.encode(`${line}\n`);
    this.chunks.push(bytes);
    this.size += bytes.byteLength;
    if (this.size >= PART_BYTES) await this.flushPart();
  }

  async close(): Promise<void> {
    if (!this.upload) {
      await this.bucket.put(this.key, concat(this.chunks, this.size), this.options);
      return;
    }
    if (this.size > 0) await this.flushPart();
    await this.upload.complete(this.parts);
  }

  private async flushPart(): Promise<void> {
    this.upload ??= await this.bucket.createMultipartUpload(this.key, this.options);
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, concat(this.chunks, this.size)));
    this.chunks = [];
    this.size = 0;
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}
