package org.fcgibridge.core.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fcgibridge.core.io.ByteBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every decision of {@link ConnectionProtocol}, driven record by record: what it tells the listener and which records
 * it writes itself, decoded from what its sink received.
 */
class ConnectionProtocolTest {
    private static final Duration PARAMS_TIMEOUT = Duration.ofSeconds(5);

    /** A request's handle: compared by identity, as the protocol does. */
    static final class Handle {
        final int id;
        final Role role;
        final boolean keepConn;
        Params params;
        boolean bodyTooLarge;

        Handle(int id, Role role, boolean keepConn) {
            this.id = id;
            this.role = role;
            this.keepConn = keepConn;
        }

        @Override
        public String toString() {
            return "request " + id;
        }
    }

    /** One record the protocol wrote. */
    record Written(RecordHeader header, byte[] content) {
        EndRequestBody endRequest() throws ProtocolException {
            assertEquals(RecordType.END_REQUEST, header.recordType());
            return EndRequestBody.decode(content, 0, content.length);
        }
    }

    /** Collects whole records and splits them again. */
    static final class Sink implements RecordSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(ByteBuffer records) {
            byte[] copy = new byte[records.remaining()];
            records.get(copy);
            bytes.write(copy, 0, copy.length);
        }

        /** The records written since the last call. */
        List<Written> take() throws ProtocolException {
            byte[] all = bytes.toByteArray();
            bytes.reset();
            List<Written> records = new ArrayList<>();
            int pos = 0;
            while (pos < all.length) {
                RecordHeader header = RecordHeader.decode(all, pos);
                pos += Fcgi.HEADER_LENGTH;
                records.add(new Written(header, Arrays.copyOfRange(all, pos, pos + header.contentLength())));
                pos += header.bodyLength();
            }
            assertEquals(all.length, pos, "records cut short");
            return records;
        }

        Written single() throws ProtocolException {
            List<Written> records = take();
            assertEquals(1, records.size(), "records written: " + records);
            return records.get(0);
        }
    }

    /** Records every call, in order; the content of input records as text. */
    static final class Recorder implements ConnectionProtocol.Listener<Handle> {
        final List<String> events = new ArrayList<>();
        final List<Handle> begun = new ArrayList<>();
        final List<Handle> dropped = new ArrayList<>();
        final List<String> closeReasons = new ArrayList<>();
        boolean inputResult = true;
        Runnable onBegun = () -> { };

        @Override
        public Handle begun(int requestId, Role role, boolean keepConn) {
            events.add("begun " + requestId);
            Handle handle = new Handle(requestId, role, keepConn);
            begun.add(handle);
            onBegun.run();
            return handle;
        }

        @Override
        public void paramsEnded(Handle request, Params params, boolean bodyTooLarge) {
            events.add("paramsEnded " + request.id);
            request.params = params;
            request.bodyTooLarge = bodyTooLarge;
        }

        @Override
        public boolean input(Handle request, RecordType stream, RecordContent content) throws IOException {
            byte[] bytes = new byte[content.remaining()];
            content.readFully(bytes, 0, bytes.length);
            events.add("input " + request.id + " " + stream + " '" + new String(bytes, StandardCharsets.UTF_8) + "'");
            return inputResult;
        }

        @Override
        public void aborted(Handle request) {
            events.add("aborted " + request.id);
        }

        @Override
        public void dropped(Handle request) {
            events.add("dropped " + request.id);
            dropped.add(request);
        }

        @Override
        public void closeRequested(String reason) {
            events.add("closeRequested");
            closeReasons.add(reason);
        }

        /** The events since the last call. */
        List<String> take() {
            List<String> taken = List.copyOf(events);
            events.clear();
            return taken;
        }
    }

    private final Sink sink = new Sink();
    private final Recorder listener = new Recorder();

    private static ProtocolLimits limits(boolean mpxs) {
        return limits(mpxs, 4, 1024, 0);
    }

    private static ProtocolLimits limits(boolean mpxs, int perConnection, int maxParamsBytes, long maxBodyBytes) {
        return new ProtocolLimits(7, 9, mpxs, perConnection, maxParamsBytes, maxBodyBytes, PARAMS_TIMEOUT);
    }

    private ConnectionProtocol<Handle> protocol(ProtocolLimits limits, Capacity capacity, boolean overloaded,
                                                ByteBudget budget) {
        return new ConnectionProtocol<>("test", limits, capacity, overloaded, budget, sink, listener);
    }

    private ConnectionProtocol<Handle> protocol(boolean mpxs) {
        return protocol(limits(mpxs), new Capacity(10, 10), false, ByteBudget.unlimited());
    }

    private static boolean send(ConnectionProtocol<Handle> protocol, int type, int id, byte[] content)
            throws IOException {
        RecordHeader header = new RecordHeader(type, id, content.length, Fcgi.paddingFor(content.length));
        return protocol.handle(header, RecordContent.of(ByteBuffer.wrap(content)));
    }

    private static boolean send(ConnectionProtocol<Handle> protocol, RecordType type, int id, byte[] content)
            throws IOException {
        return send(protocol, type.code(), id, content);
    }

    private static void begin(ConnectionProtocol<Handle> protocol, int id, boolean keepConn) throws IOException {
        send(protocol, RecordType.BEGIN_REQUEST, id, BeginRequestBody.of(Role.RESPONDER, keepConn).encode());
    }

    /** The params in three records (the first ends inside a pair), then the empty record that ends them. */
    private static void params(ConnectionProtocol<Handle> protocol, int id, Map<String, String> pairs)
            throws IOException {
        byte[] all = new NameValueWriter().addAll(pairs).toByteArray();
        int a = Math.min(all.length, 3);
        int b = Math.min(all.length, a + 10);
        send(protocol, RecordType.PARAMS, id, Arrays.copyOfRange(all, 0, a));
        send(protocol, RecordType.PARAMS, id, Arrays.copyOfRange(all, a, b));
        send(protocol, RecordType.PARAMS, id, Arrays.copyOfRange(all, b, all.length));
        send(protocol, RecordType.PARAMS, id, new byte[0]);
    }

    private static void params(ConnectionProtocol<Handle> protocol, int id) throws IOException {
        params(protocol, id, Map.of("REQUEST_METHOD", "GET"));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertEnded(Written record, int id, ProtocolStatus status) throws ProtocolException {
        assertEquals(id, record.header().requestId());
        assertEquals(new EndRequestBody(0, status), record.endRequest());
    }

    // ---- management records

    @Test
    void getValuesAnswersTheThreeNamesItKnowsAndDropsTheRest() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(true);
        byte[] asked = new NameValueWriter().add(Fcgi.MAX_CONNS, "").add("FCGI_UNKNOWN", "").add(Fcgi.MAX_REQS, "")
                .add(Fcgi.MPXS_CONNS, "").toByteArray();
        assertTrue(send(protocol, RecordType.GET_VALUES, 0, asked));

        Written answer = sink.single();
        assertEquals(RecordType.GET_VALUES_RESULT, answer.header().recordType());
        assertEquals(0, answer.header().requestId());
        assertEquals(Fcgi.paddingFor(answer.content().length), answer.header().paddingLength());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(Fcgi.MAX_CONNS, "7");
        expected.put(Fcgi.MAX_REQS, "9");
        expected.put(Fcgi.MPXS_CONNS, "1");
        assertEquals(expected, Params.parse(answer.content(), 0, answer.content().length).asMap());
        assertEquals(List.of(), listener.take());
    }

    @Test
    void getValuesReportsAConnectionThatDoesNotMultiplexAndAnswersNothingAskedWithAnEmptyResult() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(false);
        send(protocol, RecordType.GET_VALUES, 0, new NameValueWriter().add(Fcgi.MPXS_CONNS, "").toByteArray());
        Written answer = sink.single();
        assertEquals(Map.of(Fcgi.MPXS_CONNS, "0"), Params.parse(answer.content(), 0, answer.content().length).asMap());

        send(protocol, RecordType.GET_VALUES, 0, new NameValueWriter().add("OTHER", "").toByteArray());
        Written empty = sink.single();
        assertEquals(RecordType.GET_VALUES_RESULT, empty.header().recordType());
        assertEquals(0, empty.header().contentLength());
    }

    @Test
    void anUnknownManagementTypeIsAnsweredUnknownTypeWithItsTypeByte() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(true);
        for (int type : new int[] {0x42, 0, RecordType.GET_VALUES_RESULT.code()}) {
            assertTrue(send(protocol, type, 0, new byte[3]));
            Written answer = sink.single();
            assertEquals(RecordType.UNKNOWN_TYPE, answer.header().recordType());
            assertEquals(0, answer.header().requestId());
            byte[] body = new byte[8];
            body[0] = (byte) type;
            assertArrayEquals(body, answer.content());
        }
        assertEquals(List.of(), listener.take());
    }

    // ---- a request's life

    @Test
    void anAdmittedRequestGathersItsParamsOverSeveralRecordsThenStarts() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, ByteBudget.unlimited());
        assertTrue(protocol.isIdle());
        send(protocol, RecordType.BEGIN_REQUEST, 3, BeginRequestBody.of(Role.AUTHORIZER, true).encode());
        assertEquals(List.of("begun 3"), listener.take());
        Handle handle = listener.begun.get(0);
        assertEquals(Role.AUTHORIZER, handle.role);
        assertTrue(handle.keepConn);
        assertEquals(1, capacity.requests());
        assertFalse(protocol.isIdle());
        assertTrue(protocol.awaitsParams());
        assertEquals(List.of(), protocol.started());

        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put("REQUEST_METHOD", "POST");
        pairs.put("SCRIPT_NAME", "/app");
        pairs.put("HTTP_X_LONG", "é".repeat(200));
        byte[] all = new NameValueWriter().addAll(pairs).toByteArray();
        send(protocol, RecordType.PARAMS, 3, Arrays.copyOfRange(all, 0, 5));
        send(protocol, RecordType.PARAMS, 3, Arrays.copyOfRange(all, 5, 300));
        send(protocol, RecordType.PARAMS, 3, Arrays.copyOfRange(all, 300, all.length));
        assertEquals(List.of(), listener.take(), "no event before the empty PARAMS record");
        send(protocol, RecordType.PARAMS, 3, new byte[0]);

        assertEquals(List.of("paramsEnded 3"), listener.take());
        assertEquals(pairs, handle.params.asMap());
        assertFalse(handle.bodyTooLarge);
        assertFalse(protocol.awaitsParams());
        assertEquals(List.of(handle), protocol.started());
        assertEquals(List.of(), sink.take(), "an admitted request is the listener's to answer");

        send(protocol, RecordType.PARAMS, 3, text("late"));
        assertEquals(List.of(), listener.take(), "PARAMS after the stream ended are ignored");
    }

    @Test
    void stdinAndDataGoToTheRequestWithTheirContentAndTheListenerMayPauseReading() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(false);
        begin(protocol, 1, true);
        params(protocol, 1);
        listener.take();

        assertTrue(send(protocol, RecordType.STDIN, 1, text("hello")));
        listener.inputResult = false;
        assertFalse(send(protocol, RecordType.DATA, 1, text("file")));
        listener.inputResult = true;
        assertTrue(send(protocol, RecordType.STDIN, 1, new byte[0]));
        assertEquals(List.of("input 1 STDIN 'hello'", "input 1 DATA 'file'", "input 1 STDIN ''"), listener.take());
    }

    @Test
    void inputBeforeTheParamsEndedIsAProtocolError() throws IOException {
        for (RecordType type : new RecordType[] {RecordType.STDIN, RecordType.DATA}) {
            ConnectionProtocol<Handle> protocol = protocol(false);
            begin(protocol, 1, true);
            send(protocol, RecordType.PARAMS, 1, new NameValueWriter().add("A", "b").toByteArray());
            ProtocolException e = assertThrows(ProtocolException.class, () -> send(protocol, type, 1, text("x")));
            assertTrue(e.getMessage().contains(type.toString()), e.getMessage());
        }
        assertFalse(listener.events.stream().anyMatch(event -> event.startsWith("input")), listener.events.toString());
    }

    @Test
    void recordsForRequestsItDoesNotKnowAndTypesOnlyApplicationsSendAreIgnored() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(true);
        for (RecordType type : new RecordType[] {RecordType.PARAMS, RecordType.STDIN, RecordType.DATA,
                RecordType.ABORT_REQUEST}) {
            assertTrue(send(protocol, type, 5, text("abc")));
        }
        begin(protocol, 1, true);
        params(protocol, 1);
        listener.take();
        for (int type : new int[] {RecordType.STDOUT.code(), RecordType.STDERR.code(), RecordType.END_REQUEST.code(),
                RecordType.GET_VALUES.code(), 0x42}) {
            assertTrue(send(protocol, type, 1, new byte[8]));
        }
        assertEquals(List.of(), listener.take());
        assertEquals(List.of(), sink.take());
        assertEquals(List.of(listener.begun.get(0)), protocol.started());
    }

    // ---- admission

    @Test
    void anUnknownRoleIsRefusedAndTheConnectionStaysOpenForTheNext() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, ByteBudget.unlimited());
        assertTrue(send(protocol, RecordType.BEGIN_REQUEST, 4, new BeginRequestBody(9, Fcgi.FLAG_KEEP_CONN).encode()));
        assertEnded(sink.single(), 4, ProtocolStatus.UNKNOWN_ROLE);
        assertEquals(List.of(), listener.take());
        assertEquals(0, capacity.requests());
        assertTrue(protocol.isIdle());
        assertFalse(protocol.closesWhenIdle());

        begin(protocol, 4, true);
        assertEquals(List.of("begun 4"), listener.take());
    }

    @Test
    void aBeginRequestThatIsNotEightBytesIsAProtocolError() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(false);
        assertThrows(ProtocolException.class, () -> send(protocol, RecordType.BEGIN_REQUEST, 1, new byte[5]));
        assertThrows(ProtocolException.class, () -> send(protocol, RecordType.BEGIN_REQUEST, 1, new byte[9]));
        assertEquals(List.of(), listener.take());
    }

    @Test
    void everyRequestOnAnOverloadedConnectionIsRefusedAndTheConnectionCloses() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(true), capacity, true, ByteBudget.unlimited());
        begin(protocol, 1, true);
        assertEnded(sink.single(), 1, ProtocolStatus.OVERLOADED);
        assertEquals(List.of("closeRequested"), listener.take());
        assertEquals(List.of("over FCGI_MAX_CONNS"), listener.closeReasons);
        assertTrue(protocol.closesWhenIdle());
        assertEquals(0, capacity.requests());

        begin(protocol, 2, true);
        assertEquals(List.of(), sink.take(), "nothing more is admitted or answered on a closing connection");
        assertEquals(List.of(), listener.take());
    }

    @Test
    void aSecondRequestOnAConnectionThatDoesNotMultiplexIsRefusedCantMpxConn() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, ByteBudget.unlimited());
        begin(protocol, 1, true);
        begin(protocol, 2, true);
        assertEnded(sink.single(), 2, ProtocolStatus.CANT_MPX_CONN);
        assertEquals(List.of("begun 1"), listener.take());
        assertEquals(1, capacity.requests());
        assertFalse(protocol.closesWhenIdle());

        params(protocol, 1);
        assertEquals(List.of("paramsEnded 1"), listener.take(), "the first request is not disturbed");
        assertTrue(protocol.ending(1, listener.begun.get(0)));
        begin(protocol, 2, true);
        assertEquals(List.of("begun 2"), listener.take(), "admitted once the connection is free again");
    }

    @Test
    void moreConcurrentRequestsThanAMultiplexedConnectionAllowsIsAProtocolError() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(limits(true, 2, 1024, 0), new Capacity(10, 10), false,
                ByteBudget.unlimited());
        begin(protocol, 1, true);
        begin(protocol, 2, true);
        assertEquals(List.of("begun 1", "begun 2"), listener.take());
        assertThrows(ProtocolException.class, () -> begin(protocol, 3, true));
        assertEquals(List.of(), listener.take());
        assertEquals(List.of(), sink.take());
    }

    @Test
    void aBeginRequestForAnActiveIdIsAProtocolError() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(true);
        begin(protocol, 1, true);
        assertThrows(ProtocolException.class, () -> begin(protocol, 1, true), "while its params arrive");
        params(protocol, 1);
        assertThrows(ProtocolException.class, () -> begin(protocol, 1, true), "while it runs");
        assertEquals(List.of("begun 1", "paramsEnded 1"), listener.take());
    }

    @Test
    void maxReqsIsCountedOverTheConnectionsThatShareACapacity() throws IOException {
        Capacity capacity = new Capacity(10, 2);
        ConnectionProtocol<Handle> first = protocol(limits(true), capacity, false, ByteBudget.unlimited());
        ConnectionProtocol<Handle> second = protocol(limits(true), capacity, false, ByteBudget.unlimited());
        begin(first, 1, true);
        begin(second, 1, true);
        assertEquals(List.of("begun 1", "begun 1"), listener.take());
        assertEquals(2, capacity.requests());

        begin(first, 2, true);
        assertEnded(sink.single(), 2, ProtocolStatus.OVERLOADED);
        assertEquals(List.of(), listener.take(), "a full server does not close a connection that is kept");
        assertFalse(first.closesWhenIdle());

        Handle secondsRequest = listener.begun.get(1);
        assertTrue(second.ending(1, secondsRequest));
        assertEquals(1, capacity.requests());
        begin(first, 2, true);
        assertEquals(List.of("begun 2"), listener.take());
        assertEquals(2, capacity.requests());
    }

    // ---- params bounds

    @Test
    void paramsOverTheirLimitAreAProtocolError() throws IOException {
        ByteBudget budget = new ByteBudget(10_000);
        ConnectionProtocol<Handle> protocol = protocol(limits(false, 4, 100, 0), new Capacity(10, 10), false,
                budget);
        begin(protocol, 1, true);
        send(protocol, RecordType.PARAMS, 1, new byte[60]);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> send(protocol, RecordType.PARAMS, 1, new byte[41]));
        assertTrue(e.getMessage().contains("100"), e.getMessage());
        assertEquals(List.of("begun 1"), listener.take());
        protocol.close();
        assertEquals(0, budget.used());
    }

    @Test
    void paramsBeyondTheServersBudgetAreAProtocolError() throws IOException {
        ByteBudget budget = new ByteBudget(100);
        ConnectionProtocol<Handle> protocol = protocol(limits(true, 4, 1024, 0), new Capacity(10, 10), false,
                budget);
        begin(protocol, 1, true);
        begin(protocol, 2, true);
        send(protocol, RecordType.PARAMS, 1, new byte[60]);
        assertEquals(60, budget.used());
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> send(protocol, RecordType.PARAMS, 2, new byte[50]));
        assertTrue(e.getMessage().contains("budget"), e.getMessage());
        protocol.close();
        assertEquals(0, budget.used());
    }

    @Test
    void paramsGiveTheirBudgetBackOnceTheyHaveEnded() throws IOException {
        ByteBudget budget = new ByteBudget(1000);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), new Capacity(10, 10), false, budget);
        begin(protocol, 1, true);
        send(protocol, RecordType.PARAMS, 1, new NameValueWriter().add("A", "b").toByteArray());
        assertTrue(budget.used() > 0);
        send(protocol, RecordType.PARAMS, 1, new byte[0]);
        assertEquals(0, budget.used());
        assertEquals("b", listener.begun.get(0).params.get("A"));
    }

    @Test
    void malformedParamsAreAProtocolError() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(false);
        begin(protocol, 1, true);
        send(protocol, RecordType.PARAMS, 1, new byte[] {5, 1, 'A'});
        assertThrows(ProtocolException.class, () -> send(protocol, RecordType.PARAMS, 1, new byte[0]));
        assertEquals(List.of("begun 1"), listener.take());
    }

    // ---- abort

    @Test
    void anAbortBeforeTheParamsEndedEndsTheRequestWithoutRunningIt() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ByteBudget budget = new ByteBudget(1000);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, budget);
        begin(protocol, 1, true);
        send(protocol, RecordType.PARAMS, 1, new NameValueWriter().add("A", "b").toByteArray());
        assertTrue(send(protocol, RecordType.ABORT_REQUEST, 1, new byte[0]));

        assertEnded(sink.single(), 1, ProtocolStatus.REQUEST_COMPLETE);
        assertEquals(List.of("begun 1", "dropped 1"), listener.take());
        assertSame(listener.begun.get(0), listener.dropped.get(0));
        assertEquals(0, capacity.requests());
        assertEquals(0, budget.used());
        assertTrue(protocol.isIdle());
        assertFalse(protocol.closesWhenIdle());

        send(protocol, RecordType.PARAMS, 1, new byte[0]);
        assertEquals(List.of(), listener.take(), "the end of its params does not start it");
        begin(protocol, 1, true);
        assertEquals(List.of("begun 1"), listener.take(), "its id is free");
    }

    @Test
    void anAbortBeforeTheParamsEndedOfARequestWithoutKeepConnClosesTheConnection() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(false);
        begin(protocol, 1, false);
        send(protocol, RecordType.ABORT_REQUEST, 1, new byte[0]);
        assertEnded(sink.single(), 1, ProtocolStatus.REQUEST_COMPLETE);
        assertEquals(List.of("begun 1", "dropped 1", "closeRequested"), listener.take());
        assertTrue(protocol.closesWhenIdle());
    }

    @Test
    void anAbortOfAStartedRequestIsTheListenersToAnswer() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, ByteBudget.unlimited());
        begin(protocol, 1, true);
        params(protocol, 1);
        listener.take();
        assertTrue(send(protocol, RecordType.ABORT_REQUEST, 1, new byte[0]));
        assertEquals(List.of("aborted 1"), listener.take());
        assertEquals(List.of(), sink.take(), "it still ends with the listener's END_REQUEST");
        assertFalse(protocol.isIdle());
        assertEquals(1, capacity.requests());
        assertTrue(protocol.ending(1, listener.begun.get(0)));
        assertEquals(0, capacity.requests());
    }

    // ---- closing

    @Test
    void afterARequestWithoutKeepConnTheConnectionClosesAndAdmitsNothingMore() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(false);
        begin(protocol, 1, false);
        params(protocol, 1);
        assertFalse(protocol.closesWhenIdle());
        assertTrue(protocol.ending(1, listener.begun.get(0)));
        assertTrue(protocol.closesWhenIdle());
        listener.take();

        begin(protocol, 2, true);
        assertEquals(List.of(), listener.take());
        assertEquals(List.of(), sink.take());
        assertTrue(protocol.isIdle());
    }

    @Test
    void aRefusedRequestWithoutKeepConnClosesAnIdleConnectionAtOnceAndABusyOneWhenIdle() throws IOException {
        ConnectionProtocol<Handle> idle = protocol(false);
        send(idle, RecordType.BEGIN_REQUEST, 1, new BeginRequestBody(9, 0).encode());
        assertEnded(sink.single(), 1, ProtocolStatus.UNKNOWN_ROLE);
        assertEquals(List.of("closeRequested"), listener.take());
        assertEquals(List.of("refused a request without KEEP_CONN"), listener.closeReasons);
        assertTrue(idle.closesWhenIdle());

        ConnectionProtocol<Handle> busy = protocol(false);
        begin(busy, 1, true);
        begin(busy, 2, false);
        assertEnded(sink.single(), 2, ProtocolStatus.CANT_MPX_CONN);
        assertEquals(List.of("begun 1"), listener.take(), "the request in progress keeps the connection open");
        assertFalse(busy.closesWhenIdle());
        params(busy, 1);
        assertTrue(busy.ending(1, listener.begun.get(0)));
        assertTrue(busy.closesWhenIdle());
    }

    @Test
    void aConnectionThatStoppedAdmittingIgnoresBeginRequest() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(true);
        begin(protocol, 1, true);
        protocol.stopAdmitting();
        assertFalse(protocol.closesWhenIdle(), "a request is active");
        begin(protocol, 2, true);
        assertEquals(List.of("begun 1"), listener.take());
        assertEquals(List.of(), sink.take());
        params(protocol, 1);
        assertTrue(protocol.ending(1, listener.begun.get(0)));
        assertTrue(protocol.closesWhenIdle());
    }

    @Test
    void aRequestEndsOnceAndOnlyWithItsOwnHandle() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, ByteBudget.unlimited());
        begin(protocol, 1, true);
        params(protocol, 1);
        Handle handle = listener.begun.get(0);
        assertFalse(protocol.ending(1, new Handle(1, Role.RESPONDER, true)), "another handle");
        assertFalse(protocol.ending(2, handle), "another id");
        assertEquals(1, capacity.requests());
        assertTrue(protocol.ending(1, handle));
        assertFalse(protocol.ending(1, handle));
        assertEquals(0, capacity.requests(), "the slot is given back once");
        assertTrue(protocol.isIdle());
        assertEquals(List.of(), sink.take());

        send(protocol, RecordType.STDIN, 1, text("late"));
        listener.take();
        begin(protocol, 1, true);
        assertEquals(List.of("begun 1"), listener.take(), "the web server may reuse the id at once");
    }

    @Test
    void aConnectionIsOverdueWhenParamsDoNotEndWithinTheTimeout() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(true);
        assertNull(protocol.overdue(System.nanoTime() + PARAMS_TIMEOUT.toNanos() * 2), "an idle connection");
        long before = System.nanoTime();
        begin(protocol, 1, true);
        long after = System.nanoTime();
        assertNull(protocol.overdue(before + PARAMS_TIMEOUT.toNanos()));
        String overdue = protocol.overdue(after + PARAMS_TIMEOUT.toNanos() + 1);
        assertNotNull(overdue);
        assertTrue(overdue.contains("request 1"), overdue);

        params(protocol, 1);
        assertNull(protocol.overdue(after + PARAMS_TIMEOUT.toNanos() * 2), "its params have ended");

        ConnectionProtocol<Handle> untimed = protocol(new ProtocolLimits(7, 9, true, 4, 1024, 0, Duration.ZERO),
                new Capacity(10, 10), false, ByteBudget.unlimited());
        begin(untimed, 1, true);
        assertNull(untimed.overdue(System.nanoTime() + Duration.ofDays(1).toNanos()), "no params timeout");
    }

    @Test
    void closeForgetsEveryRequestGivesBackTheirSlotsAndBudgetAndDropsThoseThatNeverStarted() throws IOException {
        Capacity capacity = new Capacity(10, 10);
        ByteBudget budget = new ByteBudget(1000);
        ConnectionProtocol<Handle> protocol = protocol(limits(true), capacity, false, budget);
        begin(protocol, 1, true);
        params(protocol, 1);
        begin(protocol, 2, true);
        send(protocol, RecordType.PARAMS, 2, new NameValueWriter().add("A", "b").toByteArray());
        begin(protocol, 3, true);
        params(protocol, 3);
        assertEquals(3, capacity.requests());
        assertTrue(budget.used() > 0);
        listener.take();

        List<Handle> started = protocol.close();
        assertEquals(2, started.size());
        assertTrue(started.contains(listener.begun.get(0)) && started.contains(listener.begun.get(2)),
                started.toString());
        assertEquals(List.of("dropped 2"), listener.take());
        assertSame(listener.begun.get(1), listener.dropped.get(0));
        assertEquals(0, capacity.requests());
        assertEquals(0, budget.used());
        assertTrue(protocol.isIdle());
        assertTrue(protocol.closesWhenIdle());
        assertFalse(protocol.ending(1, listener.begun.get(0)), "a lost request is ended by close");

        assertEquals(List.of(), protocol.close(), "idempotent");
        begin(protocol, 4, true);
        assertEquals(List.of(), listener.take());
        assertEquals(List.of(), sink.take(), "close writes nothing");
    }

    @Test
    void aRequestBegunWhileTheConnectionIsClosedFromAnotherThreadIsNotLeft() throws IOException {
        // the watchdog closes a connection (idle, params overdue) while its reader admits a BEGIN_REQUEST: the
        // request must not stay behind the close, holding its slot in the server for ever
        Capacity capacity = new Capacity(10, 10);
        ConnectionProtocol<Handle> protocol = protocol(limits(false), capacity, false, ByteBudget.unlimited());
        listener.onBegun = protocol::close;
        begin(protocol, 1, true);

        assertEquals(List.of("begun 1", "dropped 1"), listener.take());
        assertEquals(0, capacity.requests());
        assertTrue(protocol.isIdle());
        assertEquals(List.of(), protocol.close());
        params(protocol, 1);
        assertEquals(List.of(), listener.take());
    }

    // ---- the record operators read

    @Test
    void aRequestIsRecordedForAMonitorAndSharesTheUnwatchedRecordWithoutOne() throws IOException {
        ConnectionProtocol<Handle> unwatched = protocol(true);
        begin(unwatched, 1, true);
        params(unwatched, 1);
        begin(unwatched, 2, true);
        params(unwatched, 2);
        assertSame(RequestRecord.UNWATCHED, unwatched.record(1), "nothing allocated where nobody looks");
        assertSame(RequestRecord.UNWATCHED, unwatched.record(2));

        List<RequestRecord> started = new ArrayList<>();
        ProtocolMonitor monitor = new ProtocolMonitor() {
            @Override
            public void started(RequestRecord request) {
                started.add(request);
            }
        };
        ConnectionProtocol<Handle> watched = new ConnectionProtocol<>("test", limits(true), new Capacity(10, 10),
                false, ByteBudget.unlimited(), sink, listener, monitor);
        begin(watched, 1, true);
        params(watched, 1, Map.of("REQUEST_METHOD", "GET", "REQUEST_URI", "/report"));
        assertEquals(1, started.size());
        assertSame(started.get(0), watched.record(1));
        assertEquals("GET /report", watched.record(1).toString());
        watched.record(1).runBy("report", "com.example.ReportServlet");
        assertEquals("report (com.example.ReportServlet)", started.get(0).runner());
    }

    // ---- the body's declared length

    @ParameterizedTest(name = "CONTENT_LENGTH {0}, limit {1}: too large {2}")
    @CsvSource(delimiter = '|', value = {
        "101      | 100 | true",
        "100      | 100 | false",
        "' 101 '  | 100 | true",
        "0        | 100 | false",
        "12x      | 100 | false",
        "''       | 100 | false",
        "-5       | 100 | false",
        "99999999999999999999 | 100 | false",
        "999999   | 0   | false",
    })
    void theBodyIsTooLargeWhenItsDeclaredLengthExceedsTheLimit(String length, long limit, boolean tooLarge)
            throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(limits(false, 4, 1024, limit), new Capacity(10, 10), false,
                ByteBudget.unlimited());
        begin(protocol, 1, true);
        params(protocol, 1, Map.of("CONTENT_LENGTH", length));
        assertEquals(tooLarge, listener.begun.get(0).bodyTooLarge);
    }

    @Test
    void aBodyWithoutADeclaredLengthIsNotTooLarge() throws IOException {
        ConnectionProtocol<Handle> protocol = protocol(limits(false, 4, 1024, 1), new Capacity(10, 10), false,
                ByteBudget.unlimited());
        begin(protocol, 1, true);
        params(protocol, 1);
        assertFalse(listener.begun.get(0).bodyTooLarge);
    }
}
