// electron-builder's afterPack hook (electron-builder.yml): flips Electron's fuses, per platform,
// before signing. electron-builder's own `electronFuses` option is one setting for every platform,
// and Hark needs two:
// - runAsNode stays on for Linux and Windows, where `hark` (the deb's /usr/bin/hark, and
//   resources\bin\hark.cmd) runs the command line as plain Node inside Hark's executable
//   (ELECTRON_RUN_AS_NODE). There it lets no program do more than it could already do itself.
// - it is off on macOS, where Hark holds the Accessibility permission: with it on, any program could
//   start Hark's signed binary as Node and act with that permission. Hark.app's executable still
//   runs `speak` and the other commands itself (main/desktop/cli-dispatch.ts).
// Plain CommonJS: electron-builder loads hooks with require().
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded by electron-builder without a build step */

/** The same on every platform. */
const HARDENING = {
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
};

/** Platforms whose `hark` launcher needs ELECTRON_RUN_AS_NODE. */
const RUN_AS_NODE_PLATFORMS = new Set(['linux', 'win32']);

/** @param {string} platform electron-builder's electronPlatformName (linux, win32, darwin, mas) */
function fusesFor(platform) {
  return { runAsNode: RUN_AS_NODE_PLATFORMS.has(platform), ...HARDENING };
}

/** Fuse name (electron-builder's spelling) to @electron/fuses' option name. */
function optionName(fuse) {
  return fuse.charAt(0).toUpperCase() + fuse.slice(1);
}

/** The @electron/fuses configuration for `platform`, built with that package's own enums. */
function fuseConfigFor(platform, { FuseV1Options, FuseVersion }) {
  const isMac = platform === 'darwin' || platform === 'mas';
  // Flipping a fuse breaks an ad-hoc signature (Apple silicon will not start the app); a real
  // signature is made after this hook anyway.
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: isMac };
  for (const [fuse, on] of Object.entries(fusesFor(platform))) {
    const option = FuseV1Options[optionName(fuse)];
    if (option === undefined) throw new Error(`@electron/fuses has no fuse ${fuse}`);
    config[option] = on;
  }
  return config;
}

/** The copy electron-builder itself uses, found from where electron-builder is installed. */
function loadFusesPackage() {
  const builder = require.resolve('app-builder-lib/package.json');
  return require(require.resolve('@electron/fuses', { paths: [builder] }));
}

async function afterPack(context) {
  const config = fuseConfigFor(context.electronPlatformName, loadFusesPackage());
  await context.packager.addElectronFuses(context, config);
}

module.exports = { fusesFor, fuseConfigFor, afterPack };
