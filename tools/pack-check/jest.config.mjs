import { preset } from '../../jest.preset.mjs';

export default { ...preset(import.meta.url), testTimeout: 240_000 };
