export * from './external.js';
export * from './net.js';
export * from './temp.js';
export * from './python.js';
export * from './libtorrent.js';
export * from './opentracker.js';
export * from './aria2.js';
export * from './netns.js';
