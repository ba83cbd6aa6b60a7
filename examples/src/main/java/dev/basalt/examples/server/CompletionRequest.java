package dev.basalt.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.basalt.engine.GenerationOptions;
import dev.basalt.engine.SamplingOptions;
import dev.basalt.engine.grammar.Grammar;
import dev.basalt.engine.grammar.GrammarException;
import dev.basalt.engine.grammar.JsonSchemaGrammar;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generation parameters of a chat or text completion request, checked as OpenAI checks them. Sampling starts
 * from llama.cpp's defaults (temperature 0.8, top-p 0.95, top-k 40, min-p 0.05); {@code top_k} and {@code min_p}
 * are accepted as llama.cpp's server accepts them.
 *
 * @param maxTokens the token limit, or 0 when the request gives none (then: until the context is full)
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with the token counts
 */
record CompletionRequest(boolean stream, boolean includeUsage, int maxTokens, GenerationOptions options) {
    private static final int MAX_STOP_STRINGS = 16;

    /**
     * @throws ApiError 400 naming the parameter that is wrong or unsupported; 404 when {@code model} is not
     *     {@code modelId}
     */
    static CompletionRequest parse(JsonNode body, String modelId) {
        ModelField.check(body, modelId);
        JsonNode n = body.get("n");
        if (n != null && !n.isNull() && !(n.canConvertToExactIntegral() && n.asInt() == 1)) {
            throw ApiError.unsupported("n", "'n' must be 1: this server generates one choice per request, got " + n);
        }
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && (logprobs.isBoolean() && logprobs.asBoolean() || logprobs.isNumber() && logprobs.asInt() > 0)) {
            throw ApiError.unsupported("logprobs", "'logprobs' is not supported by this server");
        }
        SamplingOptions s = SamplingOptions.DEFAULTS.withSeed(ThreadLocalRandom.current().nextLong());
        try {
            Double temperature = number(body, "temperature", 0, 2);
            if (temperature != null) {
                s = s.withTemperature(temperature.floatValue());
            }
            Double topP = number(body, "top_p", 0, 1);
            if (topP != null) {
                s = s.withTopP(topP == 0 ? Float.MIN_VALUE : topP.floatValue()); // top_p 0 keeps only the most likely
            }
            Long topK = integer(body, "top_k", 0, Integer.MAX_VALUE);
            if (topK != null) {
                s = s.withTopK(topK.intValue());
            }
            Double minP = number(body, "min_p", 0, 1);
            if (minP != null) {
                s = s.withMinP(minP.floatValue());
            }
            Double presence = number(body, "presence_penalty", -2, 2);
            Double frequency = number(body, "frequency_penalty", -2, 2);
            s = s.withFrequencyAndPresencePenalty(frequency == null ? 0 : frequency.floatValue(),
                    presence == null ? 0 : presence.floatValue());
            Long seed = integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
            if (seed != null) {
                s = s.withSeed(seed);
            }
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(null, e.getMessage());
        }
        String limitKey = body.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        Long limit = integer(body, limitKey, 1, Integer.MAX_VALUE);
        int maxTokens = limit == null ? 0 : limit.intValue();
        boolean stream = bool(body, "stream");
        JsonNode streamOptions = body.get("stream_options");
        boolean includeUsage = streamOptions != null && streamOptions.isObject() && bool(streamOptions, "include_usage");
        GenerationOptions options = GenerationOptions.builder().sampling(s).maxTokens(maxTokens).stopStrings(stops(body))
                .grammar(responseFormat(body)).build();
        return new CompletionRequest(stream, includeUsage, maxTokens, options);
    }

    /**
     * The grammar {@code response_format} asks for: none for {@code text}, any JSON object for {@code json_object},
     * the documents valid against {@code json_schema.schema} for {@code json_schema}.
     */
    private static Grammar responseFormat(JsonNode body) {
        JsonNode format = body.get("response_format");
        JsonNode grammar = body.get("grammar"); // llama.cpp's server takes a GBNF grammar too
        if (grammar != null && !grammar.isNull()) {
            if (format != null && !format.isNull()) {
                throw ApiError.invalid("grammar", "give either 'grammar' or 'response_format', not both");
            }
            if (!grammar.isTextual()) {
                throw ApiError.invalid("grammar", "'grammar' must be a GBNF grammar as a string");
            }
            try {
                return Grammar.parse(grammar.asText());
            } catch (GrammarException e) {
                throw ApiError.invalid("grammar", "the grammar cannot be used: " + e.getMessage());
            }
        }
        if (format == null || format.isNull()) {
            return null;
        }
        String type = format.path("type").asText("");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> Grammar.fromJsonSchema("{\"type\": \"object\"}");
            case "json_schema" -> {
                JsonNode schema = format.path("json_schema").get("schema");
                if (schema == null || !schema.isObject()) {
                    throw ApiError.invalid("response_format.json_schema.schema",
                            "'response_format.json_schema.schema' must be a JSON Schema object");
                }
                try {
                    yield Grammar.parse(JsonSchemaGrammar.toGbnf(schema));
                } catch (GrammarException e) {
                    throw ApiError.invalid("response_format.json_schema.schema", "the JSON schema cannot be used: " + e.getMessage());
                }
            }
            default -> throw ApiError.invalid("response_format.type",
                    "'response_format.type' must be \"text\", \"json_object\" or \"json_schema\", got " + format.get("type"));
        };
    }

    private static List<String> stops(JsonNode body) {
        JsonNode stop = body.get("stop");
        List<String> stops = new ArrayList<>();
        if (stop == null || stop.isNull()) {
            return stops;
        }
        if (stop.isTextual()) {
            stops.add(stop.asText());
        } else if (stop.isArray()) {
            for (JsonNode s : stop) {
                if (!s.isTextual()) {
                    throw ApiError.invalid("stop", "'stop' must be a string or a list of strings, got " + stop);
                }
                stops.add(s.asText());
            }
        } else {
            throw ApiError.invalid("stop", "'stop' must be a string or a list of strings, got " + stop);
        }
        if (stops.size() > MAX_STOP_STRINGS) {
            throw ApiError.invalid("stop", "at most " + MAX_STOP_STRINGS + " stop strings, got " + stops.size());
        }
        if (stops.contains("")) {
            throw ApiError.invalid("stop", "a stop string must not be empty");
        }
        return stops;
    }

    /** The number at {@code key} in [min, max], or null when absent or null. */
    private static Double number(JsonNode body, String key, double min, double max) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            throw ApiError.invalid(key, "'" + key + "' must be a number from " + fmt(min) + " to " + fmt(max) + ", got " + v);
        }
        return v.asDouble();
    }

    /** The whole number at {@code key} in [min, max], or null when absent or null. */
    private static Long integer(JsonNode body, String key, long min, long max) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw ApiError.invalid(key, "'" + key + "' must be a whole number" + (min > Integer.MIN_VALUE ? " of at least " + min : "")
                    + ", got " + v);
        }
        return v.asLong();
    }

    private static boolean bool(JsonNode body, String key) {
        JsonNode v = body.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw ApiError.invalid(key, "'" + key + "' must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
