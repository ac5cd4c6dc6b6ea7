package io.vggstream.engine.api;

/**
 * Where graceful degradation stands, for the status line (the load governor's view): the protocol level streamed frames are
 * classified at now (0: the configured protocol), the smoothed engine latency it steers by (NaN
 * before the first governed frame), and how many steps it has taken.
 */
public record Degradation(int level, double latencyMs, long steps) {
}
