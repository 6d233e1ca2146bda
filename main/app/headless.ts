// Hark's services without a desktop: the stores, the keychain, the offline voice, a player channel
// and the reading controller, wired the way Electron's boot wires them. `npm run dev:web`, the
// renderer's component tests and the end-to-end tests all start the app through this, so they
// exercise the same parts the tray app runs. Plain Node.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportFormat } from '../../shared/contract';
import { ConfirmedHostsStore } from '../store/confirmed-hosts';
import { HistoryStore } from '../store/history';
import type { HistoryEntry } from '../store/history';
import type { Logger } from '../store/redact';
import { createSecretStore } from '../store/secrets';
import type { SecretStore } from '../store/secrets';
import { SettingsStore } from '../store/settings';
import { ChannelPlayer } from './channel-player';
import { createOfflineEngine } from './offline-engine';
import type { OfflineEngine } from './offline-engine';
import { createServices } from './services';
import type { AppServices, CapturedText } from './services';

export interface HeadlessOptions {
  /** Holds settings.json, history/ and exports/. */
  dataDir: string;
  log: Logger;
  /** Defaults to the OS keychain (keytar). */
  secrets?: SecretStore;
  /** Without a desktop there is no selection: the default reads what readClipboard gives. */
  readClipboard?: () => Promise<string>;
  /**
   * Whether the API key may go to a server outside ElevenLabs and loopback. There is no native
   * dialog without a desktop, so the default says no (and logs why); tests inject their answer.
   */
  confirmHost?: (origin: string) => Promise<boolean>;
}

function refuseWithoutDialog(log: Logger): (origin: string) => Promise<boolean> {
  return async (origin) => {
    log.warn(
      `${origin} was not confirmed: without the desktop app there is no dialog to ask whether your API key may go there.`,
    );
    return false;
  };
}

export interface HeadlessApp {
  services: AppServices;
  /** Plays through whichever page attaches (bridge player page, test harness). */
  player: ChannelPlayer;
  secrets: SecretStore;
  settings: SettingsStore;
  history: HistoryStore;
  engine: OfflineEngine;
  close(): Promise<void>;
}

/** Exports land in DATA/exports/<id>.<format>: there is no save dialog without a desktop. */
function exportPathIn(dir: string): (entry: HistoryEntry, format: ExportFormat) => Promise<string> {
  return async (entry, format) => {
    await mkdir(dir, { recursive: true });
    return join(dir, `${entry.id}.${format}`);
  };
}

export async function startHeadlessApp(options: HeadlessOptions): Promise<HeadlessApp> {
  const { dataDir, log } = options;
  const secrets = options.secrets ?? createSecretStore();
  const settings = await SettingsStore.open(dataDir);
  for (const notice of settings.notices) log.warn(notice.message);
  const history = await HistoryStore.openOrTemporary(join(dataDir, 'history'), {
    retention: settings.get().history,
  });
  for (const notice of history.notices) log.warn(notice.message);
  const engine = createOfflineEngine();
  const player = new ChannelPlayer(log);
  const readClipboard = options.readClipboard ?? (() => Promise.resolve(''));
  const services = createServices({
    settings,
    secrets,
    history,
    offlineServer: () => engine.endpoint(),
    player,
    log,
    captureSelection: async (): Promise<CapturedText> => ({
      text: await readClipboard(),
      source: 'clipboard',
    }),
    readClipboard,
    chooseExportPath: exportPathIn(join(dataDir, 'exports')),
    confirmedHosts: await ConfirmedHostsStore.open(dataDir),
    confirmHost: options.confirmHost ?? refuseWithoutDialog(log),
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      player.close();
      await services.dispose();
      await history.close();
      // A save still in flight would otherwise write into a data folder being removed.
      await settings.settled();
      await engine.close();
    })());
  return { services, player, secrets, settings, history, engine, close };
}
