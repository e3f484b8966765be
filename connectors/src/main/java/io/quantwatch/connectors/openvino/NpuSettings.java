package io.quantwatch.connectors.openvino;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an LLM is compiled for an Intel NPU through NPUW: static prompt and response lengths the
 * compiled model is built for. Prompts longer than {@code maxPromptLen} cannot run on it.
 */
public record NpuSettings(int maxPromptLen, int minResponseLen) implements Serializable {

    public NpuSettings {
        if (maxPromptLen < 1 || minResponseLen < 1) {
            throw new IllegalArgumentException("NPU max-prompt-len and min-response-len must be >= 1, got "
                    + maxPromptLen + " and " + minResponseLen);
        }
    }

    /** The compile properties (ov_property.h string keys). */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("NPU_USE_NPUW", "YES");
        p.put("NPUW_LLM", "YES");
        p.put("NPUW_LLM_MAX_PROMPT_LEN", Integer.toString(maxPromptLen));
        p.put("NPUW_LLM_MIN_RESPONSE_LEN", Integer.toString(minResponseLen));
        return p;
    }
}
