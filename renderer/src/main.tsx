import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from './api/api-context';
import { createApiClient } from './api/client';
import { App } from './App';
import { AppStoreContext, createAppStore } from './stores/app-store';
import { wireEvents } from './stores/event-wiring';
import './styles.css';

const api = createApiClient();
const store = createAppStore(api);
wireEvents(api, store);

// The web host's URL carries the token (now held in an HttpOnly cookie) and maybe a folder to open;
// take both out of the address bar so the token is not left in history or screenshots.
const params = new URLSearchParams(location.search);
const toOpen = params.get('open');
if (params.has('token') || params.has('open')) history.replaceState(null, '', location.pathname);

void (async () => {
  await store.getState().init();
  if (toOpen) {
    await store.getState().openFolder(toOpen);
    return;
  }
  // Resume where the user left off: the last project, when its folder still exists.
  const last = store.getState().recent[0];
  if (last?.exists && sessionStorage.getItem('plumbline.closed') !== '1') await store.getState().openFolder(last.root);
})();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <ApiProvider api={api}>
      <AppStoreContext.Provider value={store}>
        <App />
      </AppStoreContext.Provider>
    </ApiProvider>
  </StrictMode>,
);
