export const packageName = '@typetorrent/tracker';
