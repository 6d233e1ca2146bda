// The stores on disk, the selection capture and the app services built on them.
import { join } from 'node:path';
import type { ChannelPlayer } from '../../app/channel-player';
import type { OfflineEngine } from '../../app/offline-engine';
import { createServices } from '../../app/services';
import type { AppServices, CapturedText, HotkeyControl, Troubleshooting } from '../../app/services';
import type { Notifier } from '../notifications';
import { createSelectionCapture } from '../selection/capture';
import { createSelectionStrategy, electronClipboardPort } from '../selection/platform';
import { ConfirmedHostsStore } from '../../store/confirmed-hosts';
import { HistoryStore } from '../../store/history';
import type { ExportFormat, HistoryEntry } from '../../store/history';
import type { Logger } from '../../store/redact';
import type { SecretStore } from '../../store/secrets';
import { SettingsStore } from '../../store/settings';
import type { ElectronMain } from './electron';
import type { Paths } from './paths-and-logging';

export interface Stores {
  settings: SettingsStore;
  history: HistoryStore;
  secrets: SecretStore;
  /** Servers the user confirmed may get the API key: written only after the dialog below. */
  confirmedHosts: ConfirmedHostsStore;
}

export async function setupStores(paths: Paths, secrets: SecretStore, notifier: Notifier): Promise<Stores> {
  const settings = await SettingsStore.open(paths.userData);
  for (const notice of settings.notices) notifier.info(notice.message);
  const history = await HistoryStore.openOrTemporary(paths.history, { retention: settings.get().history });
  for (const notice of history.notices) notifier.info(notice.message);
  const confirmedHosts = await ConfirmedHostsStore.open(paths.userData);
  return { settings, history, secrets, confirmedHosts };
}

export function setupSelectionCapture(
  electron: Pick<ElectronMain, 'clipboard' | 'ClipboardItem' | 'systemPreferences'>,
  settings: SettingsStore,
  notifier: Notifier,
  log: Logger,
): () => Promise<CapturedText> {
  const { clipboard } = electron;
  const strategy = createSelectionStrategy({
    platform: process.platform,
    clipboard: electronClipboardPort(clipboard, electron.ClipboardItem),
    // Linux only (createSelectionStrategy reads PRIMARY nowhere else).
    readPrimary: () => clipboard.selection.readText(),
    systemPreferences: electron.systemPreferences,
    onWarning: (message) => {
      log.warn(message);
      notifier.info(message);
    },
  });
  const capture = createSelectionCapture({
    strategy,
    readClipboardText: () => clipboard.readText(),
    clipboardFallback: () => settings.get().clipboardFallback,
  });
  return async () => {
    const result = await capture();
    if (result.detail) log.info(`Selection capture -> ${result.source}: ${result.detail}`);
    // The capture knows best why nothing could be read; the caller stays quiet about those codes.
    notifier.capture(result, settings.get().clipboardFallback);
    return { text: result.text, source: result.source === 'clipboard' ? 'clipboard' : 'selection' };
  };
}

export function setupServices(
  electron: Pick<ElectronMain, 'app' | 'clipboard' | 'dialog'>,
  stores: Stores,
  offline: OfflineEngine,
  player: ChannelPlayer,
  captureSelection: () => Promise<CapturedText>,
  hotkeys: HotkeyControl,
  log: Logger,
  troubleshooting: Troubleshooting,
): AppServices {
  return createServices({
    settings: stores.settings,
    secrets: stores.secrets,
    history: stores.history,
    offlineServer: () => offline.endpoint(),
    player,
    log,
    captureSelection,
    readClipboard: () => electron.clipboard.readText(),
    chooseExportPath: (entry, format) => chooseExportPath(electron, entry, format),
    hotkeys,
    confirmedHosts: stores.confirmedHosts,
    confirmHost: (origin) => confirmHost(electron, origin),
    troubleshooting,
  });
}

/**
 * The question only main can ask: may the API key go to a server that is not ElevenLabs' own? A
 * native dialog, so no page (however compromised) can answer it; Cancel is the default.
 */
async function confirmHost(electron: Pick<ElectronMain, 'dialog'>, origin: string): Promise<boolean> {
  const { response } = await electron.dialog.showMessageBox({
    type: 'warning',
    title: 'Use this server?',
    message: `Send your ElevenLabs API key to ${origin}?`,
    detail:
      `This server is not one of ElevenLabs' own. Whoever runs it can use your key and your quota. ` +
      `Confirm only a server you run or trust, such as your own proxy.`,
    buttons: ['Cancel', 'Use this server'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  return response === 1;
}

async function chooseExportPath(
  electron: Pick<ElectronMain, 'app' | 'dialog'>,
  entry: HistoryEntry,
  format: ExportFormat,
): Promise<string | undefined> {
  const day = entry.createdAt.slice(0, 10);
  const result = await electron.dialog.showSaveDialog({
    title: 'Export audio',
    defaultPath: join(electron.app.getPath('documents'), `Hark ${day}.${format}`),
    filters: [{ name: format.toUpperCase(), extensions: [format] }],
  });
  return result.canceled ? undefined : result.filePath;
}
