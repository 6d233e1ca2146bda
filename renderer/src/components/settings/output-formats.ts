// The audio formats offered in the picker, with names a person can read. Opus is documented by the
// API but Hark's player and offline voice refuse it, so it is only shown when already chosen.
import { OUTPUT_FORMATS, parseOutputFormat } from '../../../../shared/protocol';

export interface FormatOption {
  value: string;
  label: string;
}

export interface FormatGroup {
  label: string;
  options: FormatOption[];
}

function khz(sampleRate: number): string {
  return `${(sampleRate / 1000).toLocaleString('en', { maximumFractionDigits: 2 })} kHz`;
}

export function formatLabel(format: string): string {
  const info = parseOutputFormat(format);
  if (!info) return format;
  switch (info.codec) {
    case 'mp3':
      return `MP3, ${khz(info.sampleRate)}, ${info.bitrateKbps ?? 128} kbit/s`;
    case 'pcm':
      return `PCM, ${khz(info.sampleRate)}, uncompressed`;
    case 'ulaw':
      return `μ-law, ${khz(info.sampleRate)} (telephone)`;
    case 'alaw':
      return `A-law, ${khz(info.sampleRate)} (telephone)`;
    case 'opus':
      return `Opus, ${khz(info.sampleRate)}, ${info.bitrateKbps ?? ''} kbit/s (Hark cannot play it)`;
  }
}

const GROUPS: { label: string; codecs: readonly string[] }[] = [
  { label: 'MP3 (compressed)', codecs: ['mp3'] },
  { label: 'PCM (uncompressed)', codecs: ['pcm'] },
  { label: 'Telephone', codecs: ['ulaw', 'alaw'] },
];

/** The playable formats by codec; `current` is added when it is not one of them (e.g. Opus). */
export function formatGroups(current: string): FormatGroup[] {
  const groups = GROUPS.map(({ label, codecs }) => ({
    label,
    options: OUTPUT_FORMATS.filter((format) => codecs.includes(parseOutputFormat(format)?.codec ?? '')).map(
      (value) => ({ value, label: formatLabel(value) }),
    ),
  }));
  const offered = groups.some((group) => group.options.some((option) => option.value === current));
  return offered
    ? groups
    : [...groups, { label: 'Current', options: [{ value: current, label: formatLabel(current) }] }];
}
