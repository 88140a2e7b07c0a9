package org.fcgibridge.core.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerParamsTest {
    @Test
    void paramsAreValidated() {
        ServerParams p = ServerParams.defaults();
        assertThrows(IllegalArgumentException.class, () -> p.withMaxConns(0));
        assertThrows(IllegalArgumentException.class, () -> p.withOutputRecordBytes(70000));
        assertThrows(IllegalArgumentException.class, () -> p.withIdleTimeout(Duration.ofSeconds(-1)));
        assertEquals(5, p.withMaxReqs(5).maxReqs());
        assertEquals(p.maxConns(), p.withMaxReqs(5).maxConns());
        assertFalse(p.mpxsConns());
    }
}
