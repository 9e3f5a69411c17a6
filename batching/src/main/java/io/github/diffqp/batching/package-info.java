/**
 * Batching for inference (docs/DESIGN.md §5.2–§5.4, {@code batching/}).
 *
 * <ul>
 *   <li>{@link io.github.diffqp.batching.Packer} groups problems of mixed shapes into batches: by exact
 *       shape, and across shapes where padding to a common {@link io.github.diffqp.batching.Shape} is cheaper
 *       by the {@link io.github.diffqp.batching.CostModel}. {@link io.github.diffqp.batching.Padding} holds
 *       the padding rules (and the proof that they leave every answer unchanged);
 *       {@link io.github.diffqp.batching.PackedBatch} cuts solutions and gradients back to each problem's
 *       own shape.</li>
 *   <li>{@link io.github.diffqp.batching.MicroBatcher} turns concurrent single requests into such batches:
 *       bounded queue with back-pressure, one future per request.</li>
 * </ul>
 */
package io.github.diffqp.batching;
