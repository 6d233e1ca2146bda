// Which page this window shows: main loads `index.html?view=<view>` (main/desktop/windows.ts).
export const APP_TABS = ['read', 'history', 'settings'] as const;
export type AppTab = (typeof APP_TABS)[number];

export type PageChoice = { page: 'app'; tab: AppTab } | { page: 'player' } | { page: 'overlay' };

export function pageFromSearch(search: string): PageChoice {
  const view = new URLSearchParams(search).get('view');
  if (view === 'player' || view === 'overlay') return { page: view };
  return {
    page: 'app',
    tab: (APP_TABS as readonly string[]).includes(view ?? '') ? (view as AppTab) : 'read',
  };
}
