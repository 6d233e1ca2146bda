// What each setting is called on screen: used by the controls and by the save status, so a problem
// always names the field the way the form does.
import type { HotkeyAction } from '../../../../shared/settings-schema';

export const HOTKEY_LABELS: Record<HotkeyAction, string> = {
  readSelection: 'Read selection',
  readClipboard: 'Read clipboard',
  pauseResume: 'Pause or resume',
  stop: 'Stop',
  previousSentence: 'Previous sentence',
  nextSentence: 'Next sentence',
  speedUp: 'Speed up',
  speedDown: 'Speed down',
};

export const FIELD_LABELS: Record<string, string> = {
  engine: 'Engine',
  baseUrl: 'Server address',
  'voiceIds.offline': 'Offline voice',
  'voiceIds.elevenlabs': 'ElevenLabs voice',
  modelId: 'Model',
  outputFormat: 'Audio format',
  'voiceSettings.stability': 'Stability',
  'voiceSettings.similarity_boost': 'Similarity',
  'voiceSettings.style': 'Style',
  'voiceSettings.use_speaker_boost': 'Speaker boost',
  'voiceSettings.speed': 'Speed',
  latencyPreset: 'Latency and quality',
  busyPolicy: 'When Hark is already reading',
  clipboardFallback: 'Read the clipboard when nothing is selected',
  fallbackToOffline: 'Fall back to the offline voice',
  warmConnection: 'Connect ahead to start reading sooner',
  playbackSpeed: 'Playback speed',
  launchAtLogin: 'Start Hark when I log in',
  'overlay.enabled': 'Show captions while reading',
  'overlay.highlightColor': 'Highlight colour',
  'overlay.dimRest': 'Dim the rest of the text',
  'overlay.fontScale': 'Caption text size',
  'history.maxEntries': 'Readings to keep',
  'history.maxMegabytes': 'Audio to keep (MB)',
  'text.codeBlocks': 'Code blocks',
  'text.emoji': 'Emoji',
  'text.followLanguage': 'Read each language with its own voice',
  'text.languageVoices': 'Voice for each language',
  'text.pronunciations': 'My words',
  ...Object.fromEntries(Object.entries(HOTKEY_LABELS).map(([action, label]) => [`hotkeys.${action}`, label])),
};

export function fieldLabel(path: string): string {
  return FIELD_LABELS[path] ?? path;
}

/** Any action id, as a whole word (built from the labels, so a new action is never missed). */
const ACTION_ID = new RegExp(`\\b(${Object.keys(HOTKEY_LABELS).join('|')})\\b`, 'g');

/** The schema names hotkey actions by id ("same combination as readSelection"): use their labels. */
export function readableReason(reason: string): string {
  return reason.replace(ACTION_ID, (id) => HOTKEY_LABELS[id as HotkeyAction] ?? id);
}
