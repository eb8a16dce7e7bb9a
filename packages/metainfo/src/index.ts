export const packageName = '@typetorrent/metainfo';
