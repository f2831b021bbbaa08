package io.github.tdx4j.campaign;

import java.util.List;
import java.util.Map;

/**
 * Typed reads from a parsed JSON object (plain maps, lists, strings and numbers, as a JSON library returns them):
 * each read names the field's path when it is missing or of the wrong type, so that a file that is not what the
 * reader expects is refused with one sentence. Written by hand because the campaign module reads only the maps its
 * own {@link CampaignReport#toJson()} writes and does not depend on a JSON library.
 *
 * @param json the object
 * @param path where it is in the document ("" for the top), for messages
 */
record JsonFields(Map<?, ?> json, String path) {
    private Object get(String key, String what) {
        Object v = json.get(key);
        if (v == null) {
            throw new IllegalArgumentException("it has no " + what + " field " + path + key);
        }
        return v;
    }

    /** A whole number that fits in a long. */
    long number(String key) {
        Object v = get(key, "number");
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        throw new IllegalArgumentException("its field " + path + key + " is not a whole number");
    }

    /** A number, whole or not. */
    double decimal(String key) {
        if (get(key, "number") instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("its field " + path + key + " is not a number");
    }

    String string(String key) {
        if (get(key, "string") instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("its field " + path + key + " is not a string");
    }

    /** A string or JSON null (null). */
    String stringOrNull(String key) {
        if (!json.containsKey(key)) {
            throw new IllegalArgumentException("it has no field " + path + key);
        }
        Object v = json.get(key);
        if (v == null || v instanceof String) {
            return (String) v;
        }
        throw new IllegalArgumentException("its field " + path + key + " is neither a string nor null");
    }

    JsonFields object(String key) {
        if (get(key, "object") instanceof Map<?, ?> m) {
            return new JsonFields(m, path + key + ".");
        }
        throw new IllegalArgumentException("its field " + path + key + " is not an object");
    }

    List<?> list(String key) {
        if (get(key, "array") instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException("its field " + path + key + " is not an array");
    }

    /** Element {@code index} of the array {@code key}, as an object. */
    JsonFields element(String key, int index) {
        if (list(key).get(index) instanceof Map<?, ?> m) {
            return new JsonFields(m, path + key + "[" + index + "].");
        }
        throw new IllegalArgumentException("its element " + path + key + "[" + index + "] is not an object");
    }
}
