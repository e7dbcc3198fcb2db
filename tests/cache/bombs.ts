// Decompression bombs, generated on the fly (never committed): a small .tgz that inflates to
// `totalBytes` of zeros, shaped to hit each of the tarball caps. The file is a run of gzip members
// (RFC 1952 §2.2: a gzip file is a series of members, inflated as one stream), so the 16 MiB block
// of zeros is compressed once and written as often as needed; nothing near the inflated size is
// ever held in memory.
import { open } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export const GiB = 1024 * 1024 * 1024;
export const MiB = 1024 * 1024;

export type BombShape =
  /** one file entry of `totalBytes` zeros: past the per-entry cap at its header */
  | 'one-entry'
  /** `totalBytes` of zeros in entries of `entryBytes` each (under the per-entry cap): past the total cap */
  | 'many-entries'
  /** `totalBytes` of zeros with no tar structure (an empty archive, then trailing zeros): past the total cap */
  | 'raw-zeros';

const BLOCK = MiB;
let zeroMember: Buffer | undefined;

export function tarHeader(path: string, size: number): Buffer {
  const header = Buffer.alloc(512);
  new Header({ path, mode: 0o644, size, mtime: new Date(0), type: 'File' }).encode(header);
  return header;
}

/** Writes the bomb to `file`; resolves with its size on disk. `entryBytes` must be a multiple of 1 MiB. */
export async function writeGzipBomb(file: string, shape: BombShape, totalBytes: number, entryBytes = 15 * MiB): Promise<number> {
  zeroMember ??= gzipSync(Buffer.alloc(BLOCK), { level: 9 });
  const out = await open(file, 'w');
  let written = 0;
  const write = async (member: Buffer) => {
    await out.write(member);
    written += member.byteLength;
  };
  const writeZeros = async (count: number) => {
    for (let left = count; left > 0; left -= BLOCK) await write(zeroMember!);
  };
  try {
    if (shape === 'raw-zeros') await writeZeros(totalBytes);
    else if (shape === 'one-entry') {
      await write(gzipSync(tarHeader('adcp-9.9.9/schemas/zeros.bin', totalBytes)));
      await writeZeros(totalBytes);
    } else {
      for (let index = 0, left = totalBytes; left > 0; index += 1, left -= entryBytes) {
        await write(gzipSync(tarHeader(`adcp-9.9.9/schemas/zeros-${index}.bin`, entryBytes)));
        await writeZeros(entryBytes);
      }
    }
  } finally {
    await out.close();
  }
  return written;
}
