/** The trainer: VGG configurations A to E on DJL, the paper's schedule, and dense-evaluation ONNX export with a model card. */
package io.vggstream.trainer;
