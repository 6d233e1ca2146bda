// Types of electron-fuses.cjs (electron-builder's afterPack hook) for the TypeScript that checks it.
export interface FuseStates {
  runAsNode: boolean;
  enableCookieEncryption: boolean;
  enableNodeOptionsEnvironmentVariable: boolean;
  enableNodeCliInspectArguments: boolean;
  enableEmbeddedAsarIntegrityValidation: boolean;
  onlyLoadAppFromAsar: boolean;
}
export function fusesFor(platform: string): FuseStates;
export function fuseConfigFor(
  platform: string,
  fuses: { FuseV1Options: Record<string, string | number>; FuseVersion: { V1: string } },
): Record<string | number, unknown>;
export function afterPack(context: {
  electronPlatformName: string;
  packager: {
    addElectronFuses(context: unknown, config: Record<string | number, unknown>): Promise<unknown>;
  };
}): Promise<void>;
