// Preload bridge: exposes a small typed API of verbs to the renderer. Filled in with the IPC contract.
export {};
