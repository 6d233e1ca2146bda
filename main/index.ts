// Electron boot sequence. The desktop shell (tray, hotkeys, windows, IPC) is wired here in order;
// each step lives in its own module under main/desktop.
import { app } from 'electron';

app.whenReady().then(() => {
  // Desktop shell set-up is added step by step; until then the app only proves it boots.
});
