import { executable } from '../../tsup.preset.mjs';

export default executable(import.meta.url);
