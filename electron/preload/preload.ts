import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

// Sandboxed preload: bundled into one CommonJS file, since it may require nothing but 'electron'.
// Only the bridge's two functions cross into the page; ipcRenderer itself never does.
contextBridge.exposeInMainWorld(
  'plumbline',
  createBridge({
    invoke: (channel, message) => ipcRenderer.invoke(channel, message),
    on: (channel, listener) => {
      ipcRenderer.on(channel, listener);
    },
  }),
);
