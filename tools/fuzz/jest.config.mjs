import { preset } from '../../jest.preset.mjs';

// Each target is fuzzed for about two seconds: allow for a busy machine.
export default { ...preset(import.meta.url), testTimeout: 120_000 };
