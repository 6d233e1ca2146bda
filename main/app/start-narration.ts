// How every reading is started, by the app (reading-job.ts) and by `hark speak` alike: a target (server,
// key, stream parameters), a text source and a sink become one Narration, with the same resume policy
// and the same pacing rules. Keeping this in one place is what stops the two from drifting apart.
import { Narration } from '../speech/narration';
import type { AudioSink, NarrationSource, ResumePoint } from '../speech/narration';
import type { VoiceSettings } from '../../shared/protocol';
import type { ResumePolicy } from '../speech/resume';
import type { SessionConfig, SessionTimeouts } from '../speech/session';
import type { WarmSessions } from '../speech/warm-sessions';
import type { StreamParameters } from '../../shared/settings-schema';

/** Where the speech comes from: ElevenLabs, `hark serve`, or the offline voice's own server. */
export interface NarrationTarget {
  baseUrl: string;
  apiKey: string;
  /** Without voice settings the voice's own apply (the command line sends none). */
  parameters: Omit<StreamParameters, 'voiceSettings'> & { voiceSettings?: VoiceSettings };
}

/** Test and diagnostics knobs for the stream; readings run with the defaults. */
export interface SessionTuning {
  timeouts?: Partial<SessionTimeouts>;
  /** Overrides the preset's inactivity_timeout (seconds). */
  inactivityTimeoutS?: number;
  /** Audio generated ahead of what has been heard (or, for a file, written). */
  leadMs?: number;
  /** Default: DEFAULT_RESUME_POLICY (waits of 250 ms, 1 s, 2.5 s); 'off' must be asked for. */
  resume?: ResumePolicy;
}

export interface NarrationStart {
  target: NarrationTarget;
  source: NarrationSource;
  sink: AudioSink;
  tuning?: SessionTuning;
  /** Carry on a reading that another voice began (offline fallback). */
  startAt?: ResumePoint;
  /** Aborting it cancels the reading. */
  signal?: AbortSignal;
  /** Sockets opened ahead (the app's warm connection); the one for this target is used. */
  warmSessions?: WarmSessions;
}

/** The stream session a target asks for; a socket opened ahead is prepared from the same. */
export function sessionConfigFor(target: NarrationTarget, tuning: SessionTuning = {}): SessionConfig {
  const { voiceId, query, voiceSettings, generationConfig } = target.parameters;
  return {
    baseUrl: target.baseUrl,
    apiKey: target.apiKey,
    voiceId,
    query: {
      ...query,
      ...(tuning.inactivityTimeoutS !== undefined ? { inactivity_timeout: tuning.inactivityTimeoutS } : {}),
    },
    ...(voiceSettings ? { voiceSettings } : {}),
    ...(generationConfig ? { generationConfig } : {}),
    ...(tuning.timeouts ? { timeouts: tuning.timeouts } : {}),
  };
}

export function startNarration(start: NarrationStart): Narration {
  const { tuning = {} } = start;
  return new Narration({
    session: {
      ...sessionConfigFor(start.target, tuning),
      ...(start.signal ? { signal: start.signal } : {}),
    },
    ...(start.warmSessions ? { warmSessions: start.warmSessions } : {}),
    source: start.source,
    sink: start.sink,
    ...(tuning.leadMs !== undefined ? { leadMs: tuning.leadMs } : {}),
    ...(tuning.resume !== undefined ? { resume: tuning.resume } : {}),
    ...(start.startAt ? { startAt: start.startAt } : {}),
  });
}
