package io.quantwatch.job;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantwatch.job.config.ConfigLoader;
import io.quantwatch.job.config.MonitorConfig;
import org.junit.jupiter.api.Test;

/** The shadow stage's pipelines are built only once every engine recipe fits the reference's shapes. */
class PipelineAssemblyTest {

    @Test
    void aRecipeWhoseGroupDoesNotFitIsRefusedNamingTheCandidateBeforeAnyPipelineIsBuilt() {
        MonitorConfig c = ConfigLoader.load(
                null,
                ShadowEveryPrompt.settings("candidates=[{name: int8, backend: engine, recipe: int8 sym},"
                        + " {name: odd-groups, backend: engine, recipe: int4 sym group=97}]"));
        assertThatThrownBy(() -> PipelineAssembly.pairs(c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidates[odd-groups]")
                .hasMessageContaining("recipe 'int4 sym group=97")
                .hasMessageContaining("tensor '");
    }
}
