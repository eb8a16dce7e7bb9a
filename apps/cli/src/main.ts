import { packageName } from '@typetorrent/bencode';
console.log(packageName);
