// The Electron main-process module as a type, so each boot step can name exactly the parts it is
// handed (Pick<ElectronMain, 'app' | 'dialog'>) while main/index.ts stays the one place that imports them.
import type * as electron from 'electron';

export type ElectronMain = typeof electron;
