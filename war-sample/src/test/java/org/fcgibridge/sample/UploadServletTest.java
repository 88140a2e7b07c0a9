package org.fcgibridge.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UploadServletTest {
    @Test
    void answersWithTheNameSizeAndDigestOfTheFile() throws Exception {
        MockExchange exchange = new MockExchange();
        Part file = mock(Part.class);
        when(exchange.request.getPart("file")).thenReturn(file);
        when(file.getSubmittedFileName()).thenReturn("notes.txt");
        when(file.getInputStream()).thenReturn(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)));

        new UploadServlet().doPost(exchange.request, exchange.response);

        verify(exchange.response).setContentType("application/json");
        // SHA-256("abc") from FIPS 180-2, appendix B.1
        assertEquals("{\"name\":\"notes.txt\",\"size\":3,\"sha256\":"
                + "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"}",
                exchange.body());
    }

    @Test
    void aRequestWithoutTheFilePartIsABadRequest() throws Exception {
        MockExchange exchange = new MockExchange();

        new UploadServlet().doPost(exchange.request, exchange.response);

        verify(exchange.response).sendError(HttpServletResponse.SC_BAD_REQUEST, "no file part");
    }
}
