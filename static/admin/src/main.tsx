import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { FlagsProvider } from '@atlaskit/flag';
import { App } from './App';
import { enableTheme } from './context';
import './styles.css';

void enableTheme();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <FlagsProvider>
        <App />
      </FlagsProvider>
    </StrictMode>,
  );
}
