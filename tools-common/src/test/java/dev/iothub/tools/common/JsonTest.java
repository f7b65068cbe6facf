package dev.iothub.tools.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void anObjectBecomesPlainJavaValues() {
        Map<String, Object> map = Json.toMap(Json.parseObject("{\"a\":1,\"b\":{\"c\":[true,\"x\",null]},\"d\":null}"));
        assertEquals(1, ((Number) map.get("a")).intValue());
        assertEquals(List.of(true, "x"), ((List<?>) ((Map<?, ?>) map.get("b")).get("c")).subList(0, 2));
        assertTrue(map.containsKey("d"));
        assertEquals("{\"a\":1,\"d\":null}", Json.compact(Json.parseObject("{\"a\": 1, \"d\": null}")));
    }

    @Test
    void onlyStrictJsonObjectsAreAccepted() {
        for (String bad : new String[] {"{a:1}", "{\"a\":1} trailing", "[1,2]", "42", "null", "", "{\"a\":", "{'a':1}"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parseObject(bad), bad);
            assertTrue(e.getMessage().contains("JSON"), e.getMessage());
        }
    }
}
