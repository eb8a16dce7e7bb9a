import { library } from '../../tsup.preset.mjs';

export default library({ entry: ['src/index.ts', 'src/node.ts'] });
