package org.fcgibridge.sample;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;

/** A streamed download: {@code /download?size=N} bytes of a repeating pattern, written as they are made. */
@WebServlet("/download")
public final class DownloadServlet extends HttpServlet {
    /** The byte at {@code position} of every download, so a client can check what it got. */
    public static byte byteAt(long position) {
        return (byte) ('a' + position % 26);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long size;
        try {
            size = Long.parseLong(request.getParameter("size") == null ? "1048576" : request.getParameter("size"));
        } catch (NumberFormatException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "size is not a number");
            return;
        }
        if (size < 0 || size > 10L * 1024 * 1024 * 1024) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "size out of range");
            return;
        }
        response.setContentType("application/octet-stream");
        response.setHeader("Content-Disposition", "attachment; filename=\"data.bin\"");
        response.setContentLengthLong(size);
        OutputStream out = response.getOutputStream();
        byte[] chunk = new byte[64 * 1024];
        long written = 0;
        while (written < size) {
            int n = (int) Math.min(chunk.length, size - written);
            for (int i = 0; i < n; i++) {
                chunk[i] = byteAt(written + i);
            }
            out.write(chunk, 0, n);
            written += n;
        }
    }
}
