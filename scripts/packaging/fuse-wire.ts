// Electron's fuse wire: a sentinel string in the Electron binary followed by a version byte, a
// length byte and one byte per fuse ('0' off, '1' on, 'r' removed). electron-builder flips these
// bytes with @electron/fuses; the packaging check gives its stand-in Electron a wire in the same
// format, so the real flip runs and can be read back.

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_WIRE_VERSION = 1;

/** Fuse names in wire order (electron-builder's `electronFuses` keys). */
export const FUSE_NAMES = [
  'runAsNode',
  'enableCookieEncryption',
  'enableNodeOptionsEnvironmentVariable',
  'enableNodeCliInspectArguments',
  'enableEmbeddedAsarIntegrityValidation',
  'onlyLoadAppFromAsar',
  'loadBrowserProcessSpecificV8Snapshot',
  'grantFileProtocolExtraPrivileges',
] as const;
export type FuseName = (typeof FUSE_NAMES)[number];
export type FuseStates = Record<FuseName, boolean>;

/** How an unmodified Electron binary ships (Electron's fuse documentation). */
export const ELECTRON_DEFAULT_FUSES: Readonly<FuseStates> = {
  runAsNode: true,
  enableCookieEncryption: false,
  enableNodeOptionsEnvironmentVariable: true,
  enableNodeCliInspectArguments: true,
  enableEmbeddedAsarIntegrityValidation: false,
  onlyLoadAppFromAsar: false,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: true,
};

const ON = '1'.charCodeAt(0);
const OFF = '0'.charCodeAt(0);

export function fuseWireBytes(states: Readonly<FuseStates>): Buffer {
  return Buffer.concat([
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([FUSE_WIRE_VERSION, FUSE_NAMES.length]),
    Buffer.from(FUSE_NAMES.map((name) => (states[name] ? ON : OFF))),
  ]);
}

/** Reads the fuse states back from a binary; a fuse missing from the wire or removed is an error. */
export function readFuseWire(binary: Buffer): FuseStates {
  const at = binary.indexOf(FUSE_SENTINEL, 0, 'latin1');
  if (at < 0) throw new Error('No fuse wire found (the fuse sentinel is missing)');
  const wire = at + FUSE_SENTINEL.length;
  if (binary[wire] !== FUSE_WIRE_VERSION) throw new Error(`Unknown fuse wire version ${binary[wire]}`);
  const length = binary[wire + 1] ?? 0;
  const states: Partial<FuseStates> = {};
  FUSE_NAMES.forEach((name, index) => {
    const state = index < length ? binary[wire + 2 + index] : undefined;
    if (state !== ON && state !== OFF) throw new Error(`Fuse ${name} is missing or removed in the wire`);
    states[name] = state === ON;
  });
  return states as FuseStates;
}
