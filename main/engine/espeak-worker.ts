// Offline engine worker thread (filled in by the engine work).
export {};
