package org.fcgibridge.core.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.fcgibridge.core.protocol.Params;
import org.fcgibridge.core.protocol.ProtocolStatus;
import org.fcgibridge.core.protocol.RequestRecord;
import org.fcgibridge.core.testing.OpenMetricsText;
import org.junit.jupiter.api.Test;

class ServerStatusTest {
    private static final String TRICKY = "/a\"b\\c\u00e9?q=\"1\"";

    private final ServerStatus status = new ServerStatus("/fcgi-status", "/fcgi-ping", null);

    private static Params request(String method, String uri) {
        int query = uri.indexOf('?');
        return Params.of(Map.of("REQUEST_METHOD", method, "REQUEST_URI", uri,
                "QUERY_STRING", query < 0 ? "" : uri.substring(query + 1)));
    }

    /** A request that started and ended with {@code status}. */
    private void served(String uri, int code) {
        RequestRecord record = new RequestRecord(1, request("GET", uri));
        status.started(record);
        record.responded(("Status: " + code + " X\r\nContent-Type: text/plain\r\n\r\nbody").getBytes(
                StandardCharsets.US_ASCII));
        status.ended(record);
    }

    /** The page at {@code uri}: head and body. */
    private String[] page(String uri) {
        byte[] answer = status.answer(request("GET", uri));
        assertNotNull(answer, uri + " is answered by the status");
        String text = new String(answer, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String head = text.substring(0, end + 2);
        String body = text.substring(end + 4);
        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1"));
        assertEquals(length, body.getBytes(StandardCharsets.UTF_8).length, "Content-Length");
        assertTrue(head.startsWith("Status: 200 OK\r\n"), head);
        assertTrue(head.contains("Cache-Control: no-cache\r\n"), head);
        return new String[] {head, body};
    }

    @Test
    void thePingAnswersPongAndOtherPathsGoToTheApplication() {
        String[] ping = page("/fcgi-ping");
        assertTrue(ping[0].contains("Content-Type: text/plain; charset=utf-8\r\n"), ping[0]);
        assertEquals("pong\n", ping[1]);
        assertEquals("alive\n", new String(new ServerStatus(null, "/p", "alive").answer(request("HEAD", "/p")),
                StandardCharsets.UTF_8).split("\r\n\r\n", 2)[1]);
        assertNull(status.answer(request("GET", "/fcgi-status/")));
        assertNull(status.answer(request("GET", "/fcgi-statusx")));
        assertNull(status.answer(request("GET", "/app/fcgi-status")));
        assertNull(status.answer(request("GET", "/fcgi%2Dstatus")), "the raw path is compared, as the client sent it");
        assertNull(new ServerStatus().answer(request("GET", "/fcgi-status")), "no path: nothing is answered");
    }

    @Test
    void theCountersMoveAsRequestsComeAndGo() throws Exception {
        status.connectionOpened();
        status.connectionOpened();
        status.connectionClosed();
        status.refused(ProtocolStatus.OVERLOADED);
        status.refused(ProtocolStatus.CANT_MPX_CONN);
        served("/a", 200);
        served("/b", 201);
        served("/missing", 404);
        served("/fail", 503);
        RequestRecord timedOut = new RequestRecord(2, request("GET", "/slow"));
        status.started(timedOut);
        timedOut.timeOut();
        status.ended(timedOut);
        RequestRecord aborted = new RequestRecord(3, request("POST", "/gone"));
        status.started(aborted);
        aborted.abort();
        status.ended(aborted);
        status.slowRequest();
        RequestRecord running = new RequestRecord(4, request("GET", "/running"));
        status.started(running);

        JsonNode json = new ObjectMapper().readTree(page("/fcgi-status?json")[1]);
        assertEquals(2, json.get("accepted_connections").asLong());
        assertEquals(1, json.get("connections_open").asLong());
        assertEquals(7, json.get("accepted_requests").asLong());
        assertEquals(1, json.get("requests_in_flight").asLong());
        assertEquals(1, json.get("requests_in_flight_max").asLong());
        assertEquals(2, json.get("responses").get("2xx").asLong());
        assertEquals(1, json.get("responses").get("4xx").asLong());
        assertEquals(1, json.get("responses").get("5xx").asLong());
        assertEquals(0, json.get("responses").get("3xx").asLong());
        assertEquals(1, json.get("request_timeouts").asLong());
        assertEquals(1, json.get("aborted_requests").asLong());
        assertEquals(1, json.get("slow_requests").asLong());
        assertEquals(1, json.get("overloaded_refusals").asLong(), "CANT_MPX_CONN is not an overload");
        assertTrue(json.get("heap_used_bytes").asLong() > 0);
        assertTrue(json.get("heap_max_bytes").asLong() >= json.get("heap_used_bytes").asLong());
        assertTrue(json.get("listen_queue").isNull(), "no socket: unknown");
        assertTrue(Math.abs(json.get("start_time_seconds").asLong() - System.currentTimeMillis() / 1000) < 60);
        assertNull(json.get("requests"), "without full");
        assertEquals(1, status.inFlight().size());
        assertEquals("/running", status.inFlight().iterator().next().uri());
        status.ended(running);
        assertTrue(status.inFlight().isEmpty());
    }

    @Test
    void theOpenMetricsFormParses() {
        status.gauge("sessions_active", "HTTP sessions \"in\" memory \\ now.", () -> 3);
        served("/a", 200);
        served("/r", 302);
        String[] page = page("/fcgi-status?openmetrics");
        assertTrue(page[0].contains("Content-Type: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n"),
                page[0]);
        Map<String, OpenMetricsText.Family> families = OpenMetricsText.parse(page[1]);
        assertEquals("counter", families.get("fcgi_accepted_requests").type);
        assertEquals(2.0, families.get("fcgi_accepted_requests").value("fcgi_accepted_requests_total", Map.of()));
        assertEquals(1.0, families.get("fcgi_responses").value("fcgi_responses_total", Map.of("class", "3xx")));
        assertEquals("gauge", families.get("fcgi_requests_in_flight").type);
        assertEquals(3.0, families.get("fcgi_sessions_active").value("fcgi_sessions_active", Map.of()));
        assertEquals("HTTP sessions \"in\" memory \\ now.", families.get("fcgi_sessions_active").help);
        assertNull(families.get("fcgi_listen_queue"), "an unknown gauge is left out");
        for (OpenMetricsText.Family family : families.values()) {
            assertNotNull(family.help, "every family has a HELP");
        }
    }

    @Test
    void fullListsTheRequestsInFlightInEachForm() throws Exception {
        RequestRecord running = new RequestRecord(1, request("PUT", TRICKY));
        running.serving(new Thread("worker \"7\""));
        running.runBy("slow", "t.SlowServlet");
        status.started(running);
        status.started(new RequestRecord(2, request("GET", "/waiting")));

        JsonNode json = new ObjectMapper().readTree(page("/fcgi-status?json&full")[1]);
        assertEquals(2, json.get("requests").size());
        JsonNode tricky = json.get("requests").get(0).get("uri").asText().equals(TRICKY)
                ? json.get("requests").get(0) : json.get("requests").get(1);
        assertEquals("PUT", tricky.get("method").asText());
        assertEquals(TRICKY, tricky.get("uri").asText());
        assertEquals("worker \"7\"", tricky.get("thread").asText());
        assertEquals("slow (t.SlowServlet)", tricky.get("runner").asText());
        assertTrue(tricky.get("elapsed_ms").asLong() >= 0);

        Map<String, OpenMetricsText.Family> families = OpenMetricsText.parse(page("/fcgi-status?full&openmetrics")[1]);
        OpenMetricsText.Family requests = families.get("fcgi_request_elapsed_seconds");
        assertEquals(2, requests.samples.size());
        assertTrue(requests.samples.stream().anyMatch(s -> s.labels().get("uri").equals(TRICKY)
                && s.labels().get("method").equals("PUT") && s.labels().get("thread").equals("worker \"7\"")),
                requests.samples.toString());

        String text = page("/fcgi-status?full")[1];
        assertTrue(text.contains("accepted requests:") && text.contains("uri:") && text.contains("/waiting")
                && text.contains("runner:                     slow (t.SlowServlet)"), text);
    }

    @Test
    void theTextFormIsTheDefault() {
        String[] page = page("/fcgi-status");
        assertTrue(page[0].contains("Content-Type: text/plain; charset=utf-8\r\n"), page[0]);
        assertTrue(page[1].startsWith("start time:"), page[1]);
        assertTrue(page[1].contains("\nresponses 2xx:"), page[1]);
        assertTrue(page[1].contains("\nlisten queue:               unknown\n"), page[1]);
    }

    @Test
    void pathsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ServerStatus("status", null, null));
        assertThrows(IllegalArgumentException.class, () -> new ServerStatus("/s", "/s", null));
        assertThrows(IllegalArgumentException.class, () -> status.gauge("Bad-Name", "", () -> 0));
    }
}
