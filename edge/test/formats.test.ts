import { describe, expect, it } from 'vitest';
import { csvField, jsonlToCsv, jsonlToJsonArray } from '../src/lib/formats.ts';

/** Feeds text in awkward chunks (splitting lines and multi-byte characters) to check the streaming. */
function chunked(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(ctl) {
      if (at >= bytes.length) { ctl.close(); return; }
      ctl.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}
const read = (s: ReadableStream<Uint8Array>) => new Response(s).text();

const lines = [
  { name: 'Café "Crème", large', price: 1299.5, tags: ['a', 'b'], note: null },
  { name: 'Line\nbreak', price: 3, tags: [], note: ' padded ' },
];
const jsonl = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

describe('result formats', () => {
  it('turns JSON lines into one JSON array, whatever the chunking', async () => {
    for (const size of [1, 3, 7, 1000]) expect(JSON.parse(await read(jsonlToJsonArray(chunked(jsonl, size))))).toEqual(lines);
    expect(JSON.parse(await read(jsonlToJsonArray(chunked('', 4))))).toEqual([]);
  });

  it('writes RFC 4180 CSV with a header of the fields, quoting what needs it', async () => {
    const csv = await read(jsonlToCsv(chunked(jsonl, 5), ['name', 'price', 'tags', 'note', 'missing']));
    expect(csv).toBe(
      'name,price,tags,note,missing\r\n'
      + '"Café ""Crème"", large",1299.5,"[""a"",""b""]",,\r\n'
      + '"Line\nbreak",3,[]," padded ",\r\n',
    );
  });

  it('quotes fields with commas, quotes, line breaks or edge spaces and leaves the rest', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });
});
