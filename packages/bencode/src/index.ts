export const packageName = '@typetorrent/bencode';
