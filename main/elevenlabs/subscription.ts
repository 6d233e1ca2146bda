// GET /v1/user/subscription: the remaining character quota shown in Settings.
import type { Parsed } from '../../shared/protocol';
import { isRecord, malformedResponse, type ElevenLabsHttp } from './http-client';

export const SUBSCRIPTION_PATH = '/v1/user/subscription';

export interface SubscriptionInfo {
  tier: string;
  characterCount: number;
  characterLimit: number;
  /** Never negative (usage-based plans can go over the limit). */
  remaining: number;
  /** Unix seconds of the next quota reset, when the server says. */
  nextResetUnix?: number;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: string): Parsed<T> => ({ ok: false, reason });

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

export function parseSubscription(body: unknown): Parsed<SubscriptionInfo> {
  if (!isRecord(body)) return fail('it is not an object');
  const {
    tier,
    character_count: characterCount,
    character_limit: characterLimit,
    next_character_count_reset_unix: nextReset,
  } = body;
  if (typeof tier !== 'string') return fail('tier is not a string');
  if (!isCount(characterCount)) return fail('character_count is not a non-negative number');
  if (!isCount(characterLimit)) return fail('character_limit is not a non-negative number');
  if (nextReset !== undefined && nextReset !== null && !isCount(nextReset)) {
    return fail('next_character_count_reset_unix is not a non-negative number');
  }
  const info: SubscriptionInfo = {
    tier,
    characterCount,
    characterLimit,
    remaining: Math.max(0, characterLimit - characterCount),
  };
  if (typeof nextReset === 'number') info.nextResetUnix = nextReset;
  return ok(info);
}

/** The key owner's plan and character quota; rejects SpeechError. */
export async function getSubscription(
  client: ElevenLabsHttp,
  options: { signal?: AbortSignal } = {},
): Promise<SubscriptionInfo> {
  const body = await client.getJson(SUBSCRIPTION_PATH, options.signal ? { signal: options.signal } : {});
  const parsed = parseSubscription(body);
  if (!parsed.ok) throw malformedResponse(`GET ${SUBSCRIPTION_PATH}`, parsed.reason);
  return parsed.value;
}
