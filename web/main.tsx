import 'maplibre-gl/dist/maplibre-gl.css';
import './styles.css';
// The bundled Chinese font (on machines without one): loaded slice by slice, as text needs it.
import './fonts/bundled-font.ts';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/query.ts';
import { App } from './app.tsx';
import { SessionProvider } from './lib/session.tsx';
import { I18nProvider } from './i18n.ts';
import { publishTestState } from './test-hooks.ts';

// The test hook exists from the first moment, before anything has loaded.
publishTestState({ mapReady: false, layers: {}, user: null });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <I18nProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
