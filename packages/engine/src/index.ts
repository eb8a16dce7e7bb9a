export const packageName = '@typetorrent/engine';
