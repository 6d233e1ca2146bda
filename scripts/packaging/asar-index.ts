// Reads an app.asar archive's file index (and single files) without the asar package: the header
// is a 4-byte size pickle, then a pickle holding a JSON tree of folders and files; file data follows,
// at offsets counted from the end of the header. Files marked `unpacked` live in app.asar.unpacked.
import { closeSync, openSync, readSync } from 'node:fs';

export interface AsarFile {
  /** Relative to the archive root, with forward slashes. */
  path: string;
  size: number;
  unpacked: boolean;
}

interface AsarNode {
  files?: Record<string, AsarNode>;
  size?: number;
  offset?: string;
  unpacked?: boolean;
  link?: string;
}

export interface AsarArchive {
  files: AsarFile[];
  /** Contents of a file stored inside the archive (not for unpacked files). */
  read(path: string): Buffer;
}

function readExactly(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  const got = readSync(fd, buffer, 0, length, position);
  if (got !== length) throw new Error(`asar: expected ${length} bytes at ${position}, read ${got}`);
  return buffer;
}

function collectFiles(node: AsarNode, prefix: string, into: Map<string, AsarNode & { path: string }>): void {
  for (const [name, child] of Object.entries(node.files ?? {})) {
    const path = prefix ? `${prefix}/${name}` : name;
    if (child.files) collectFiles(child, path, into);
    else if (child.link === undefined) into.set(path, { ...child, path });
  }
}

export function readAsar(archivePath: string): AsarArchive {
  const fd = openSync(archivePath, 'r');
  try {
    // Size pickle: [payload length = 4][header pickle length]
    const headerPickleLength = readExactly(fd, 8, 0).readUInt32LE(4);
    // Header pickle: [payload length][JSON length][JSON][padding]
    const headerPickle = readExactly(fd, headerPickleLength, 8);
    const jsonLength = headerPickle.readUInt32LE(4);
    const root = JSON.parse(headerPickle.toString('utf8', 8, 8 + jsonLength)) as AsarNode;
    const dataStart = 8 + headerPickleLength;
    const byPath = new Map<string, AsarNode & { path: string }>();
    collectFiles(root, '', byPath);
    return {
      files: [...byPath.values()].map((node) => ({
        path: node.path,
        size: node.size ?? 0,
        unpacked: node.unpacked === true,
      })),
      read(path) {
        const node = byPath.get(path);
        if (!node) throw new Error(`asar: no file ${path}`);
        if (node.unpacked) throw new Error(`asar: ${path} is unpacked; read it from app.asar.unpacked`);
        const readFd = openSync(archivePath, 'r');
        try {
          return readExactly(readFd, node.size ?? 0, dataStart + Number(node.offset ?? 0));
        } finally {
          closeSync(readFd);
        }
      },
    };
  } finally {
    closeSync(fd);
  }
}
