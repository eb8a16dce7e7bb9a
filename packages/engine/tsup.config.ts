import { library } from '../../tsup.preset.mjs';

export default library();
