package io.quantwatch.job;

import io.quantwatch.detectors.port.ShadowPipelines;
import java.io.Serializable;
import java.util.Map;

/**
 * Builds, on a task manager, the pipelines of every candidate (candidate name → pair, in report order).
 * Shipped with the job graph; {@link PipelineAssembly#factory} is the configured one, tests inject their own.
 */
@FunctionalInterface
public interface ShadowPipelineFactory extends Serializable {
    Map<String, ShadowPipelines> create();
}
