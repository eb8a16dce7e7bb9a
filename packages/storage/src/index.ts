export const packageName = '@typetorrent/storage';
