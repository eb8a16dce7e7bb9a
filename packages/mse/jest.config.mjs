import { fileURLToPath } from 'node:url';
import { preset } from '../../jest.preset.mjs';

const config = preset(import.meta.url);
// bittorrent-protocol (the WebTorrent MSE used as a test oracle) is ESM exported only under the
// `import` condition, which jest's resolver does not apply; point at its entry file directly.
config.moduleNameMapper['^bittorrent-protocol$'] = fileURLToPath(new URL('../../node_modules/bittorrent-protocol/index.js', import.meta.url));

export default config;
