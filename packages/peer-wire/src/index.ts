export const packageName = '@typetorrent/peer-wire';
