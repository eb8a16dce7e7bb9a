import { library } from '../../tsup.preset.mjs';

// `testing` (simulated network and clock) is a second entry, for benchmarks and tests built on the DHT.
export default library({ entry: ['src/index.ts', 'src/testing.ts'] });
