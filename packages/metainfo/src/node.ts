export const packageName = '@typetorrent/metainfo/node';
