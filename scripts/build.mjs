// `npm run build`: renderer, Node CLI/web host and Electron bundles (always rebuilt).
import { buildElectronIfPresent, buildNode, buildRenderer } from './build-lib.mjs';

await buildRenderer({ force: true });
await buildNode({ force: true });
await buildElectronIfPresent({ force: true });
console.log('Build complete: dist/renderer, dist/node, dist/electron');
