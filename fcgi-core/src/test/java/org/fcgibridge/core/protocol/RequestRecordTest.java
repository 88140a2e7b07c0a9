package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a {@link RequestRecord} tells operators of what runs a request, and the shared record that keeps nothing. */
class RequestRecordTest {
    private static RequestRecord record() {
        return new RequestRecord(1, Params.of(Map.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/report")));
    }

    @Test
    void theRunnerIsItsNameAndItsClassWhereTheClassSaysMore() {
        RequestRecord record = record();
        assertNull(record.runner(), "nothing said yet");
        record.runBy("report", "com.example.ReportServlet");
        assertEquals("report (com.example.ReportServlet)", record.runner());
        record.runBy("com.example.ReportServlet", "com.example.ReportServlet");
        assertEquals("com.example.ReportServlet", record.runner(), "a name that is the class's, once");
        record.runBy("report", null);
        assertEquals("report", record.runner());
        record.runBy(null, "com.example.ReportServlet");
        assertEquals("com.example.ReportServlet", record.runner());
    }

    @Test
    void theUnwatchedRecordDropsWhatTheEngineSays() {
        RequestRecord unwatched = RequestRecord.UNWATCHED;
        unwatched.serving(Thread.currentThread());
        unwatched.runBy("report", "com.example.ReportServlet");
        unwatched.responded("Status: 404\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        unwatched.abort();
        unwatched.timeOut();
        assertNull(unwatched.thread(), "it would keep a thread of some request");
        assertNull(unwatched.runner());
        assertEquals(0, unwatched.status());
        assertFalse(unwatched.isAborted(), "one request's abort is no other's");
        assertFalse(unwatched.isTimedOut());
    }
}
