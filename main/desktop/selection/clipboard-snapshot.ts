// Saving and restoring the whole clipboard around a simulated copy, so reading the selection never
// costs the user what they had copied: every item and every format Electron exposes (text, HTML,
// RTF, images, bookmarks, raw platform formats), not just the plain text.

/** One entry as Electron 45's `clipboard.read()` returns it (a ClipboardItem). */
export interface ClipboardItemLike {
  readonly types: readonly string[];
  getType(type: string): Promise<unknown>;
}

/**
 * The slice of Electron 45's async clipboard that capture needs. `write` takes plain records of
 * type -> data; the Electron adapter wraps each in a ClipboardItem.
 */
export interface ClipboardLike {
  read(): Promise<readonly ClipboardItemLike[]>;
  write(items: readonly ClipboardRecord[]): Promise<void>;
  readText(): Promise<string>;
  clear(): void | Promise<void>;
}

/** Format (MIME type or Electron's custom format name) -> data (Blob, string or bookmark). */
export type ClipboardRecord = Readonly<Record<string, unknown>>;

export interface ClipboardSnapshot {
  items: ClipboardRecord[];
  /** Formats whose data could not be read (left out of the restore). */
  unreadable: string[];
}

/** A Blob read now, so the snapshot cannot depend on a clipboard that is about to change. */
async function detach(data: unknown): Promise<unknown> {
  if (data instanceof Blob) return new Blob([await data.arrayBuffer()], { type: data.type });
  return data;
}

export async function saveClipboard(clipboard: ClipboardLike): Promise<ClipboardSnapshot> {
  const items: ClipboardRecord[] = [];
  const unreadable: string[] = [];
  for (const item of await clipboard.read()) {
    const record: Record<string, unknown> = {};
    for (const type of item.types) {
      try {
        record[type] = await detach(await item.getType(type));
      } catch {
        unreadable.push(type);
      }
    }
    if (Object.keys(record).length > 0) items.push(record);
  }
  return { items, unreadable };
}

/** Puts the snapshot back; an empty snapshot leaves the clipboard empty, as it was. */
export async function restoreClipboard(clipboard: ClipboardLike, snapshot: ClipboardSnapshot): Promise<void> {
  await clipboard.clear();
  if (snapshot.items.length > 0) await clipboard.write(snapshot.items);
}
