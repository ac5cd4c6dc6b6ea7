package io.vggstream.engine.api;

/**
 * The load governor's view, for the status line: the protocol level streamed frames are
 * classified at now (0: the configured protocol), the smoothed engine latency it steers by (NaN
 * before the first governed frame), and how many steps it has taken.
 */
public record Load(int level, double latencyMs, long steps) {
}
