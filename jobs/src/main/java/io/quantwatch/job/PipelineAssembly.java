package io.quantwatch.job;

import io.quantwatch.connectors.engine.EnginePipelines;
import io.quantwatch.connectors.engine.ReferenceLogits;
import io.quantwatch.connectors.llamacpp.LlamaCppPipelines;
import io.quantwatch.connectors.openvino.OpenVinoPipelines;
import io.quantwatch.detectors.port.ShadowPipelines;
import io.quantwatch.job.config.MonitorConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds, on a task manager, the pipeline pair of every configured candidate from its backend settings. */
public final class PipelineAssembly {
    private PipelineAssembly() {}

    /** The configured pipelines as a factory the shadow stage calls in {@code open()}. */
    public static ShadowPipelineFactory factory(MonitorConfig c) {
        return () -> pairs(c);
    }

    public static Map<String, ShadowPipelines> pairs(MonitorConfig c) {
        // Every engine recipe against the model's shapes before any candidate is built or runs.
        for (MonitorConfig.Candidate cand : c.candidates()) {
            try {
                if (cand.backend() == MonitorConfig.Backend.ENGINE) {
                    EnginePipelines.check(Path.of(c.reference().model()), cand.recipe());
                } else if (cand.backend() == MonitorConfig.Backend.LLAMA_CPP) {
                    LlamaCppPipelines.check(Path.of(c.reference().model()), cand.recipe());
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("candidates[" + cand.name() + "]: " + e.getMessage(), e);
            }
        }
        Map<String, ShadowPipelines> pairs = new LinkedHashMap<>();
        ReferenceLogits referenceLogits = new ReferenceLogits(); // every engine-referenced candidate shares it
        try {
            for (MonitorConfig.Candidate cand : c.candidates()) {
                pairs.put(
                        cand.name(),
                        switch (cand.backend()) {
                            case ENGINE ->
                                EnginePipelines.pair(
                                        Path.of(c.reference().model()),
                                        cand.recipe(),
                                        c.engine().threads(),
                                        Math.addExact(
                                                c.engine().maxPromptTokens(),
                                                c.engine().maxTokens()),
                                        c.shadow().verifyCandidates(),
                                        referenceLogits);
                            case LLAMA_CPP ->
                                LlamaCppPipelines.pair(
                                        Path.of(c.reference().model()),
                                        cand.recipe(),
                                        c.llamaCpp().settings(),
                                        c.engine().threads(),
                                        Math.addExact(
                                                c.engine().maxPromptTokens(),
                                                c.engine().maxTokens()),
                                        c.shadow().verifyCandidates(),
                                        referenceLogits);
                            case OPENVINO ->
                                OpenVinoPipelines.pair(
                                        c.openvino().library(),
                                        c.openvino().bindingKind(),
                                        c.reference().openvinoSide(),
                                        cand.openvinoSide(),
                                        c.shadow().verifyCandidates());
                        });
            }
        } catch (RuntimeException e) {
            pairs.values().forEach(ShadowPipelines::close);
            throw e;
        }
        return pairs;
    }
}
