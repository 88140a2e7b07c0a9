package org.fcgibridge.sample;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A mocked request and response whose body is captured: the pattern to copy for testing a servlet without a
 * container. Stub the request's methods with Mockito, call the servlet, then read {@link #body()} or
 * {@link #bytes()} and verify the response's methods.
 */
final class MockExchange {
    final HttpServletRequest request = mock(HttpServletRequest.class);
    final HttpServletResponse response = mock(HttpServletResponse.class);
    final ServletContext context = mock(ServletContext.class);
    private final StringWriter text = new StringWriter();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    MockExchange() throws IOException {
        when(request.getServletContext()).thenReturn(context);
        when(response.getWriter()).thenReturn(new PrintWriter(text, true));
        when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
            @Override
            public void write(int b) {
                binary.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                binary.write(b, off, len);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("blocking only");
            }
        });
    }

    /** What the servlet wrote through {@code getWriter()}. */
    String body() {
        return text.toString();
    }

    /** What the servlet wrote through {@code getOutputStream()}. */
    byte[] bytes() {
        return binary.toByteArray();
    }
}
