// ElevenLabs' API regions for the server picker. The same list as API_REGIONS in
// main/elevenlabs/http-client.ts, which is Node code and cannot be bundled here; regions.test.ts
// keeps the two equal.
export const REGIONS: readonly { id: string; label: string; baseUrl: string }[] = [
  { id: 'global', label: 'Global (default)', baseUrl: 'https://api.elevenlabs.io' },
  { id: 'us', label: 'United States', baseUrl: 'https://api.us.elevenlabs.io' },
  { id: 'eu', label: 'EU data residency', baseUrl: 'https://api.eu.residency.elevenlabs.io' },
  { id: 'in', label: 'India data residency', baseUrl: 'https://api.in.residency.elevenlabs.io' },
  { id: 'sg', label: 'Singapore data residency', baseUrl: 'https://api.sg.residency.elevenlabs.io' },
];

export const CUSTOM_REGION = 'custom';

/** The region a base URL belongs to, or CUSTOM_REGION for any other server. */
export function regionOf(baseUrl: string): string {
  return REGIONS.find((region) => region.baseUrl === baseUrl)?.id ?? CUSTOM_REGION;
}
