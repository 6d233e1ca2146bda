// Shared by the settings tab's component tests: render the tab over a live API, read what main stored,
// and read what a control is described by (its hint and its problem).
import { configure, render, screen, waitFor } from '@testing-library/svelte';
import { expect } from 'vitest';
import type { HarkApi, Settings } from '../../../../shared/contract';
import { harkApiContext } from '../../lib/api-context';
import SettingsView from '../../views/SettingsView.svelte';

// jsdom computes styles slowly: checking every one of a few hundred controls for visibility (the
// voice list) takes seconds per query. Nothing in the settings tab is hidden, so queries skip it.
// Conditions are polled for longer than the default second, for a busy two-core machine.
configure({ defaultHidden: true, asyncUtilTimeout: 10_000 });

// jsdom has no CSS.escape, which user-event needs to move between radio buttons with the arrow keys.
if (typeof window.CSS?.escape !== 'function') {
  const escape = (value: string): string => value.replace(/[^\w-]/g, (character) => `\\${character}`);
  Object.defineProperty(window, 'CSS', { value: { ...window.CSS, escape }, configurable: true });
}

export function renderSettings(api: HarkApi): { container: HTMLElement; unmount: () => void } {
  return render(SettingsView, { context: harkApiContext(api) });
}

export async function storedSettings(api: HarkApi): Promise<Settings> {
  const result = await api.getSettings();
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

/** The text of everything an element's aria-describedby points at. */
export function descriptionOf(element: Element): string {
  const ids = element.getAttribute('aria-describedby')?.split(/\s+/) ?? [];
  return ids
    .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
    .filter(Boolean)
    .join(' ');
}

export function saveStatus(): string {
  return screen.getByRole('status').textContent?.trim() ?? '';
}

export async function saved(): Promise<void> {
  await waitFor(() => expect(saveStatus()).toBe('Saved'));
}

/** The live API with calls to some verbs recorded by name (the real verb still runs). */
export function recordingCalls(
  api: HarkApi,
  verbs: readonly (keyof HarkApi)[],
): { api: HarkApi; calls: string[] } {
  const calls: string[] = [];
  const wrapped: Record<string, unknown> = { ...api };
  for (const verb of verbs) {
    const original = api[verb] as (...args: unknown[]) => unknown;
    wrapped[verb] = (...args: unknown[]) => {
      calls.push(verb);
      return original(...args);
    };
  }
  return { api: wrapped as unknown as HarkApi, calls };
}
