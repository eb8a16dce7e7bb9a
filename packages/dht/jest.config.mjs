import { fileURLToPath } from 'node:url';
import { preset } from '../../jest.preset.mjs';

const config = preset(import.meta.url);
// bittorrent-dht (an interop test peer) is ESM exported only under the `import` condition, which jest's
// resolver does not apply; point at its entry file directly.
config.moduleNameMapper['^bittorrent-dht$'] = fileURLToPath(new URL('../../node_modules/bittorrent-dht/index.js', import.meta.url));

export default config;
