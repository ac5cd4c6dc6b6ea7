/** The streaming engine: Kafka ingest, preprocessing, ONNX Runtime inference, fusion and the prediction sink (Pekko Typed actors). */
package io.vggstream.engine;
