/** JMH benchmarks of the hot paths and the end-to-end throughput and latency runs behind ./vggstream bench. */
package io.vggstream.benchmarks;
