import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { SessionProvider } from './auth/session.tsx';
import { I18nProvider } from './i18n.ts';
import { publishTestState } from './test-hooks.ts';

// The test hook exists from the first moment, before anything has loaded.
publishTestState({ mapReady: false, layers: {}, user: null });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <App />
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
