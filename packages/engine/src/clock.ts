// Time as a dependency: the engine reads the time and schedules work only through a Clock, so tests
// can drive it by hand and nothing depends on wall-clock durations. The type and the system clock
// (which, like every timer here, holds delays over 2^31 ms correctly) are the tracker's, so the same
// clock drives the announcer.
export { systemClock, type Cancel, type Clock } from '@typetorrent/tracker';
